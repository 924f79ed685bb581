using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Tokenization;

namespace DeepSeek.Sdk.Reasoning.Tests;

public sealed class ReasoningPipelineTests : IDisposable
{
    private const string Thought = "Let me add two and two: that is four.";
    private const string Answer = "The answer is 4.";
    private const string CloseText = "\n</think>\n\n";

    private readonly TempDirectory _r1 = new();
    private readonly TempDirectory _v3 = new();

    public ReasoningPipelineTests()
    {
        TinyR1Tokenizer.Write(_r1.Path, thinkTagsAreAddedTokens: true);
        TinyR1Tokenizer.Write(_v3.Path, thinkTagsAreAddedTokens: false);
    }

    public void Dispose()
    {
        _r1.Dispose();
        _v3.Dispose();
    }

    /// <summary>R1's tokenizer (tags are added tokens) and V3's (tags are split into BPE pieces).</summary>
    public static TheoryData<bool> TagKinds => new() { true, false };

    private Tokenizer LoadTokenizer(bool addedTags) => Tokenizer.FromDirectory(addedTags ? _r1.Path : _v3.Path);

    private static async Task<List<ReasoningUpdate>> Collect(ReasoningPipeline pipeline, IReadOnlyList<ChatTurn> conversation, ReasoningOptions? options = null)
    {
        var updates = new List<ReasoningUpdate>();
        await foreach (var update in pipeline.StreamAsync(conversation, options, TestContext.Current.CancellationToken)) updates.Add(update);
        return updates;
    }

    private static ReasoningResult ResultOf(List<ReasoningUpdate> updates) => Assert.IsType<ReasoningCompleted>(updates[^1]).Result;

    /// <summary>The update kinds in order with repeats collapsed: "R T A C" for reasoning, thinking completed, answer, completed.</summary>
    private static string Shape(List<ReasoningUpdate> updates)
    {
        var letters = new List<char>();
        foreach (var update in updates)
        {
            char c = update switch { ReasoningDelta => 'R', ThinkingCompleted => 'T', AnswerDelta => 'A', ReasoningCompleted => 'C', _ => '?' };
            if (letters.Count == 0 || letters[^1] != c || c is 'T' or 'C') letters.Add(c);
        }
        return string.Join(' ', letters);
    }

    [Fact]
    public void Defaults_are_R1s_recommended_sampling()
    {
        var options = new ReasoningOptions();
        Assert.Equal(0.6f, options.Sampling.Temperature);
        Assert.Equal(0.95f, options.Sampling.TopP);
        Assert.Null(options.MaxThinkingTokens);
        Assert.False(options.StopAfterThinking);
        var greedy = options with { Sampling = SamplingOptions.Greedy };
        Assert.True(greedy.Sampling.IsGreedy);
        Assert.Equal(0.6f, options.Sampling.Temperature); // records: overriding makes a copy
    }

    [Theory]
    [MemberData(nameof(TagKinds))]
    public async Task Streams_the_reasoning_then_the_end_of_thinking_then_the_answer(bool addedTags)
    {
        var tokenizer = LoadTokenizer(addedTags);
        // R1: one added token; V3: "</", "think", ">", so the tag reaches the parser in three pieces.
        Assert.Equal(addedTags ? 1 : 3, tokenizer.Encode("</think>").Length);
        var model = new ScriptedReasoningModel(tokenizer, Thought, Answer, closesTrace: true);
        var pipeline = new ReasoningPipeline(model, tokenizer);

        var updates = await Collect(pipeline, [ChatTurn.User("What is 2+2?")]);
        var result = ResultOf(updates);

        Assert.Equal("R T A C", Shape(updates));
        Assert.Equal(Thought, string.Concat(updates.OfType<ReasoningDelta>().Select(d => d.Text)));
        Assert.Equal(Answer, string.Concat(updates.OfType<AnswerDelta>().Select(d => d.Text)));
        Assert.Equal(Thought, result.Reasoning);
        Assert.Equal(Answer, result.Answer);
        Assert.Equal(ReasoningFinishReason.StopToken, result.FinishReason);
        Assert.True(result.TraceClosed);
        Assert.False(result.ClosedByBudget);
        Assert.Equal(0, result.ForcedTokens);

        // The tokens up to the one that completes </think> are reasoning; "\n\n" and the answer are answer
        // (the end-of-sequence token is not counted).
        int reasoning = tokenizer.Encode(Thought).Length + tokenizer.Encode("\n</think>").Length;
        Assert.Equal(reasoning, result.ReasoningTokens);
        int afterTag = tokenizer.Encode(CloseText).Length - tokenizer.Encode("\n</think>").Length;
        Assert.Equal(afterTag + tokenizer.Encode(Answer).Length, result.AnswerTokens);
        Assert.Equal(result.ReasoningTokens, Assert.Single(updates.OfType<ThinkingCompleted>()).ReasoningTokens);
        Assert.Equal(model.Fed[0].Length, result.PromptTokens);
    }

    [Theory]
    [MemberData(nameof(TagKinds))]
    public async Task The_budget_closes_the_trace_after_exactly_N_reasoning_tokens_and_the_model_answers(bool addedTags)
    {
        var tokenizer = LoadTokenizer(addedTags);
        var model = new ScriptedReasoningModel(tokenizer, Thought, Answer, closesTrace: false);
        var pipeline = new ReasoningPipeline(model, tokenizer);
        const int budget = 13;

        var updates = await Collect(pipeline, [ChatTurn.User("What is 2+2?")], new ReasoningOptions { MaxThinkingTokens = budget });
        var result = ResultOf(updates);

        int[] thought = tokenizer.Encode(Thought);
        int[] forced = tokenizer.Encode(CloseText);
        Assert.Equal("R T A C", Shape(updates));
        Assert.Equal(budget, result.ReasoningTokens);
        Assert.Equal(tokenizer.Decode(thought[..budget]).Trim(), result.Reasoning);
        Assert.Equal(forced.Length, result.ForcedTokens);
        Assert.True(result.ClosedByBudget);
        Assert.True(result.TraceClosed);
        Assert.Equal(Answer, result.Answer);
        Assert.Equal(tokenizer.Encode(Answer).Length, result.AnswerTokens);
        Assert.Equal(ReasoningFinishReason.StopToken, result.FinishReason);
        var thinking = Assert.Single(updates.OfType<ThinkingCompleted>());
        Assert.True(thinking.ClosedByBudget);
        Assert.Equal(budget, thinking.ReasoningTokens);

        // The forced tokens went through the model with the last reasoning token, in one step.
        Assert.Contains(model.Fed, step => step.SequenceEqual([thought[budget - 1], .. forced]));
    }

    [Fact]
    public async Task A_budget_that_ends_inside_a_word_closes_the_trace_there()
    {
        var tokenizer = LoadTokenizer(addedTags: true);
        var model = new ScriptedReasoningModel(tokenizer, Thought, Answer, closesTrace: false);
        int[] thought = tokenizer.Encode(Thought);
        // The first budget whose decoded reasoning ends in the middle of a word.
        int budget = Enumerable.Range(1, thought.Length - 1).First(n => char.IsLetter(tokenizer.Decode(thought[..n])[^1]) && char.IsLetter(tokenizer.Decode(thought[..(n + 1)])[^1]));

        var result = await new ReasoningPipeline(model, tokenizer).RunAsync("What is 2+2?", new ReasoningOptions { MaxThinkingTokens = budget }, TestContext.Current.CancellationToken);

        Assert.Equal(tokenizer.Decode(thought[..budget]), result.Reasoning);
        Assert.True(char.IsLetter(result.Reasoning[^1]));
        Assert.Equal(Answer, result.Answer);
        Assert.True(result.ClosedByBudget);
    }

    [Fact]
    public async Task A_budget_of_zero_skips_thinking()
    {
        var tokenizer = LoadTokenizer(addedTags: true);
        var model = new ScriptedReasoningModel(tokenizer, Thought, Answer, closesTrace: false);

        var result = await new ReasoningPipeline(model, tokenizer).RunAsync("What is 2+2?", new ReasoningOptions { MaxThinkingTokens = 0 }, TestContext.Current.CancellationToken);

        Assert.Equal("", result.Reasoning);
        Assert.Equal(0, result.ReasoningTokens);
        Assert.Equal(Answer, result.Answer);
        Assert.True(result.ClosedByBudget);
        // Prefill, then the forced tokens fed together before the first answer token.
        Assert.Equal(tokenizer.Encode(CloseText), model.Fed[1]);
    }

    [Fact]
    public async Task A_budget_the_model_stays_within_changes_nothing()
    {
        var tokenizer = LoadTokenizer(addedTags: true);
        var model = new ScriptedReasoningModel(tokenizer, Thought, Answer, closesTrace: true);

        var result = await new ReasoningPipeline(model, tokenizer).RunAsync("What is 2+2?", new ReasoningOptions { MaxThinkingTokens = 1000 }, TestContext.Current.CancellationToken);

        Assert.Equal(Thought, result.Reasoning);
        Assert.Equal(Answer, result.Answer);
        Assert.False(result.ClosedByBudget);
        Assert.Equal(0, result.ForcedTokens);
    }

    [Theory]
    [MemberData(nameof(TagKinds))]
    public async Task Stop_after_thinking_ends_where_the_model_closes_the_trace(bool addedTags)
    {
        var tokenizer = LoadTokenizer(addedTags);
        var model = new ScriptedReasoningModel(tokenizer, Thought, Answer, closesTrace: true);

        var updates = await Collect(new ReasoningPipeline(model, tokenizer), [ChatTurn.User("What is 2+2?")], new ReasoningOptions { StopAfterThinking = true });
        var result = ResultOf(updates);

        Assert.Equal("R T C", Shape(updates));
        Assert.Equal(Thought, result.Reasoning);
        Assert.Equal("", result.Answer);
        Assert.Equal(0, result.AnswerTokens);
        Assert.Equal(ReasoningFinishReason.EndOfThinking, result.FinishReason);
        Assert.True(result.TraceClosed);
        Assert.False(result.ClosedByBudget);
    }

    [Fact]
    public async Task Stop_after_thinking_with_a_budget_stops_at_the_budget_without_forcing()
    {
        var tokenizer = LoadTokenizer(addedTags: true);
        var model = new ScriptedReasoningModel(tokenizer, Thought, Answer, closesTrace: false);

        var updates = await Collect(new ReasoningPipeline(model, tokenizer), [ChatTurn.User("q")], new ReasoningOptions { MaxThinkingTokens = 5, StopAfterThinking = true });
        var result = ResultOf(updates);

        Assert.Equal("R T C", Shape(updates));
        Assert.Equal(5, result.ReasoningTokens);
        Assert.Equal(0, result.ForcedTokens);
        Assert.True(result.ClosedByBudget);
        Assert.True(result.TraceClosed);
        Assert.Equal(ReasoningFinishReason.EndOfThinking, result.FinishReason);
    }

    [Fact]
    public async Task A_trace_still_open_at_the_token_limit_is_all_reasoning()
    {
        var tokenizer = LoadTokenizer(addedTags: true);
        var model = new ScriptedReasoningModel(tokenizer, Thought, Answer, closesTrace: false);

        var updates = await Collect(new ReasoningPipeline(model, tokenizer), [ChatTurn.User("q")], new ReasoningOptions { MaxNewTokens = 20 });
        var result = ResultOf(updates);

        Assert.Equal("R C", Shape(updates));
        Assert.Equal(ReasoningFinishReason.MaxTokens, result.FinishReason);
        Assert.Equal(20, result.ReasoningTokens);
        Assert.Equal("", result.Answer);
        Assert.False(result.TraceClosed);
        // Thinking lasted from the first token to the end; timestamps round to 100 ns ticks, so allow one.
        var t = result.Timings;
        Assert.True((t.Total - t.TimeToFirstToken - t.ThinkingTime).Duration() <= TimeSpan.FromTicks(1), $"{t}");
    }

    [Fact]
    public async Task Earlier_answers_reach_the_model_without_their_reasoning_and_the_trace_is_opened()
    {
        var tokenizer = LoadTokenizer(addedTags: true);
        var model = new ScriptedReasoningModel(tokenizer, Thought, Answer, closesTrace: true);
        ChatTurn[] conversation =
        [
            ChatTurn.User("What is 2+2?"),
            ChatTurn.Assistant("<think>\nTwo and two.\n</think>\n\n4"),
            ChatTurn.User("And 3+3?"),
        ];

        await new ReasoningPipeline(model, tokenizer).RunAsync(conversation, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("<｜begin▁of▁sentence｜><｜User｜>What is 2+2?<｜Assistant｜>\n\n4<｜end▁of▁sentence｜><｜User｜>And 3+3?<｜Assistant｜><think>\n",
            tokenizer.Decode(model.Fed[0]));
    }

    [Fact]
    public async Task With_V3s_template_the_pipeline_opens_the_trace_itself()
    {
        // V3's template ends the generation prompt at <｜Assistant｜>; the pipeline appends "<think>\n".
        const string v3Template = "{{bos_token}}{% for m in messages %}{% if m['role'] == 'user' %}{{'<｜User｜>' + m['content']}}{% else %}{{'<｜Assistant｜>' + m['content'] + '<｜end▁of▁sentence｜>'}}{% endif %}{% endfor %}{% if add_generation_prompt %}{{'<｜Assistant｜>'}}{% endif %}";
        using var dir = new TempDirectory();
        TinyR1Tokenizer.Write(dir.Path, chatTemplate: v3Template);
        var tokenizer = Tokenizer.FromDirectory(dir.Path);
        var model = new ScriptedReasoningModel(tokenizer, Thought, Answer, closesTrace: true);

        var result = await new ReasoningPipeline(model, tokenizer).RunAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("<｜begin▁of▁sentence｜><｜User｜>Hi<｜Assistant｜><think>\n", tokenizer.Decode(model.Fed[0]));
        Assert.Equal(Thought, result.Reasoning);
    }

    [Fact]
    public async Task Timings_are_ordered()
    {
        var tokenizer = LoadTokenizer(addedTags: true);
        var model = new ScriptedReasoningModel(tokenizer, Thought, Answer, closesTrace: true);

        var t = (await new ReasoningPipeline(model, tokenizer).RunAsync("q", cancellationToken: TestContext.Current.CancellationToken)).Timings;

        Assert.True(t.TimeToFirstToken >= TimeSpan.Zero && t.ThinkingTime >= TimeSpan.Zero);
        // Each span rounds to 100 ns ticks on its own, so their sum may exceed the total by one tick.
        Assert.True(t.TimeToFirstToken + t.ThinkingTime <= t.Total + TimeSpan.FromTicks(1), $"{t}");
    }

    [Fact]
    public async Task Cancelling_mid_stream_throws()
    {
        var tokenizer = LoadTokenizer(addedTags: true);
        var model = new ScriptedReasoningModel(tokenizer, Thought, Answer, closesTrace: false);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in new ReasoningPipeline(model, tokenizer).StreamAsync("q", new ReasoningOptions { MaxNewTokens = 100_000 }, cts.Token))
                if (update is ReasoningDelta) await cts.CancelAsync();
        });
    }

    [Fact]
    public async Task Invalid_options_are_rejected_naming_the_field()
    {
        var tokenizer = LoadTokenizer(addedTags: true);
        var pipeline = new ReasoningPipeline(new ScriptedReasoningModel(tokenizer, Thought, Answer, closesTrace: true), tokenizer);

        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => pipeline.RunAsync("q", new ReasoningOptions { MaxThinkingTokens = -1 }, TestContext.Current.CancellationToken));
        Assert.Equal("MaxThinkingTokens", e.ParamName);
        await Assert.ThrowsAsync<ArgumentException>(() => pipeline.RunAsync("q", new ReasoningOptions { BudgetTransition = "</think>" }, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n\t")]
    public async Task An_empty_or_blank_question_is_refused_before_anything_runs(string question)
    {
        // The template would frame nothing and the model answer something unrelated: almost always an unset variable.
        var tokenizer = LoadTokenizer(addedTags: true);
        var pipeline = new ReasoningPipeline(new ScriptedReasoningModel(tokenizer, Thought, Answer, closesTrace: true), tokenizer);

        Assert.Throws<ArgumentException>("question", () => pipeline.StreamAsync(question, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Throws<ArgumentException>("question", () => { _ = pipeline.RunAsync(question, cancellationToken: TestContext.Current.CancellationToken); }); // eagerly, not from the task
        await Assert.ThrowsAsync<ArgumentException>("conversation", () => pipeline.RunAsync([], cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Concurrent_requests_take_the_model_in_turn_and_each_gets_its_own_result()
    {
        var tokenizer = LoadTokenizer(addedTags: true);
        var model = new ScriptedReasoningModel(tokenizer, Thought, Answer, closesTrace: false) { StepTime = TimeSpan.FromMilliseconds(1) };
        using var pipeline = new ReasoningPipeline(model, tokenizer);

        // Different budgets, so each result shows its own request's options were applied.
        var requests = Enumerable.Range(1, 4).Select(budget =>
            pipeline.RunAsync("q", new ReasoningOptions { MaxThinkingTokens = budget * 3 }, TestContext.Current.CancellationToken)).ToArray();
        var results = await Task.WhenAll(requests);

        int[] thought = tokenizer.Encode(Thought);
        for (int i = 0; i < results.Length; i++)
        {
            int budget = (i + 1) * 3;
            Assert.Equal(budget, results[i].ReasoningTokens);
            Assert.Equal(tokenizer.Decode(thought[..budget]).Trim(), results[i].Reasoning);
            Assert.Equal(Answer, results[i].Answer);
        }
        Assert.Equal(1, model.MaxConcurrentForwards);
    }
}
