using DeepSeek.Sdk.Generation;

namespace DeepSeek.Sdk.Core.Tests.Generation;

public class TokenGeneratorTests
{
    /// <summary>A deterministic stand-in model: the most likely next token is (last token + 1) mod V.</summary>
    private sealed class SuccessorModel(int vocabularySize, int maxContext, TimeSpan stepDelay = default) : ICausalLanguageModel
    {
        public int VocabularySize { get; } = vocabularySize;

        public int MaxContextLength { get; } = maxContext;

        public int ForwardCalls { get; private set; }

        /// <summary>The tokens of every Forward call, in order (prefill first).</summary>
        public List<int[]> Fed { get; } = [];

        public IKvCache CreateCache(int capacity) => new CountingCache(capacity);

        public void Dispose()
        {
        }

        public void Forward(ReadOnlySpan<int> tokens, IKvCache cache, Span<float> lastLogits, CancellationToken cancellationToken = default)
        {
            ForwardCalls++;
            Fed.Add(tokens.ToArray());
            var deadline = DateTime.UtcNow + stepDelay;
            while (DateTime.UtcNow < deadline)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Thread.Sleep(1);
            }
            var c = (CountingCache)cache;
            if (c.Length + tokens.Length > c.Capacity) throw new InvalidOperationException("cache overflow");
            c.Length += tokens.Length;
            lastLogits.Clear();
            lastLogits[(tokens[^1] + 1) % VocabularySize] = 10f;
        }

        /// <summary>Calls that asked for the argmax only (greedy decoding), a subset of <see cref="ForwardCalls"/>.</summary>
        public int GreedyCalls { get; private set; }

        public int ForwardGreedy(ReadOnlySpan<int> tokens, IKvCache cache, CancellationToken cancellationToken = default)
        {
            GreedyCalls++;
            var logits = new float[VocabularySize];
            Forward(tokens, cache, logits, cancellationToken);
            return Sampler.ArgMax(logits);
        }

        public void ForwardAllLogits(ReadOnlySpan<int> tokens, IKvCache cache, Span<float> logits, CancellationToken cancellationToken = default)
        {
            for (int i = 0; i < tokens.Length; i++)
                Forward(tokens.Slice(i, 1), cache, logits.Slice(i * VocabularySize, VocabularySize), cancellationToken);
        }
    }

    private sealed class CountingCache(int capacity) : IKvCache
    {
        public int Length { get; set; }

        public int Capacity { get; } = capacity;

        public long BytesPerToken => 0;

        public void Truncate(int length) => Length = length;

        public void Dispose()
        {
        }
    }

    /// <summary>Token i decodes to the letter 'a' + i.</summary>
    private sealed class LetterDecoder : ITokenTextDecoder
    {
        public string Push(int tokenId) => ((char)('a' + tokenId)).ToString();

        public string Flush() => "";
    }

    /// <summary>Answers each question with the next scripted directive, then samples.</summary>
    private sealed class ScriptedController(params GenerationDirective[] script) : IGenerationController
    {
        private readonly Queue<GenerationDirective> _script = new(script);

        public int Calls { get; private set; }

        public GenerationDirective NextStep()
        {
            Calls++;
            return _script.TryDequeue(out var directive) ? directive : GenerationDirective.Sample;
        }
    }

    /// <summary>Forces whatever the consumer of the stream asked for since the last step.</summary>
    private sealed class ConsumerDrivenController : IGenerationController
    {
        public int[]? ForceNext { get; set; }

        public GenerationDirective NextStep()
        {
            if (ForceNext is not { } ids) return GenerationDirective.Sample;
            ForceNext = null;
            return GenerationDirective.Force(ids);
        }
    }

    private static async Task<List<GenerationUpdate>> Run(ICausalLanguageModel model, int[] prompt, GenerationOptions options, CancellationToken ct, IGenerationController? controller = null)
    {
        var updates = new List<GenerationUpdate>();
        await foreach (var u in TokenGenerator.GenerateAsync(model, prompt, options, new LetterDecoder(), controller, ct)) updates.Add(u);
        return updates;
    }

    private static readonly GenerationOptions Greedy = new() { Sampling = SamplingOptions.Greedy };

    [Fact]
    public async Task Greedy_generation_prefills_once_then_feeds_back_one_token_per_step()
    {
        var model = new SuccessorModel(26, 100);
        var updates = await Run(model, [0, 1], Greedy with { MaxNewTokens = 4 }, TestContext.Current.CancellationToken);
        Assert.Equal([2, 3, 4, 5], updates.Select(u => u.TokenId));
        Assert.Equal("cdef", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(FinishReason.MaxTokens, updates[^1].FinishReason);
        Assert.Equal(4, model.ForwardCalls); // prefill + 3 steps: the last token is never fed back
        Assert.Equal(4, model.GreedyCalls); // greedy without penalties: the model picks the argmax, no logits come back
    }

    [Theory]
    [InlineData(0.7f, 1f)]
    [InlineData(0f, 1.3f)]
    public async Task Sampling_or_penalties_read_the_logits_instead_of_asking_the_model_for_its_argmax(float temperature, float repetitionPenalty)
    {
        var model = new SuccessorModel(26, 100);
        var options = new GenerationOptions { MaxNewTokens = 3, Sampling = new SamplingOptions { Temperature = temperature, RepetitionPenalty = repetitionPenalty, Seed = 1 } };
        var updates = await Run(model, [0, 1], options, TestContext.Current.CancellationToken);
        Assert.Equal(3, updates.Count);
        Assert.Equal(3, model.ForwardCalls);
        Assert.Equal(0, model.GreedyCalls);
    }

    [Fact]
    public async Task Stop_token_ends_generation_and_is_not_part_of_the_text()
    {
        var updates = await Run(new SuccessorModel(26, 100), [0], Greedy with { StopTokenIds = [3] }, TestContext.Current.CancellationToken);
        Assert.Equal("bc", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(FinishReason.StopToken, updates[^1].FinishReason);
    }

    [Fact]
    public async Task Stop_string_spanning_tokens_cuts_the_text_before_it()
    {
        var updates = await Run(new SuccessorModel(26, 100), [0], Greedy with { StopStrings = ["def"] }, TestContext.Current.CancellationToken);
        Assert.Equal("bc", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(FinishReason.StopString, updates[^1].FinishReason);
        Assert.Equal(5, updates[^1].TokenId); // 'f' completed the stop string
    }

    [Fact]
    public async Task Prompt_longer_than_the_context_is_a_clear_error()
    {
        var e = await Assert.ThrowsAsync<ContextLengthExceededException>(() => Run(new SuccessorModel(26, 4), [0, 1, 2, 3], Greedy, TestContext.Current.CancellationToken));
        Assert.Equal(4, e.PromptTokens);
        Assert.Contains("context window holds 4", e.Message);
    }

    [Fact]
    public async Task Generation_stops_when_the_context_window_is_full()
    {
        var updates = await Run(new SuccessorModel(26, 5), [0, 1], Greedy with { MaxNewTokens = 50 }, TestContext.Current.CancellationToken);
        Assert.Equal(FinishReason.ContextFull, updates[^1].FinishReason);
        Assert.Equal(3, updates.Count); // positions 2, 3, 4 filled by generated tokens (the last is never fed)
    }

    [Fact]
    public async Task Cancellation_during_a_slow_step_returns_promptly()
    {
        var model = new SuccessorModel(26, 1000, TimeSpan.FromSeconds(30));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Run(model, [0], Greedy, cts.Token));
        // The step would take 30 s; returning within 10 s shows the token is honoured inside the step.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Prompt_token_outside_the_vocabulary_is_rejected()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Run(new SuccessorModel(26, 100), [26], Greedy, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Forced_tokens_are_streamed_then_fed_with_the_last_sampled_token_in_one_step()
    {
        var model = new SuccessorModel(26, 100);
        // Step 1 samples 'b'; step 2 forces "kl"; after that the model continues from 'l'.
        var controller = new ScriptedController(GenerationDirective.Sample, GenerationDirective.Force(new[] { 10, 11 }));
        var updates = await Run(model, [0], Greedy with { MaxNewTokens = 5 }, TestContext.Current.CancellationToken, controller);

        Assert.Equal([1, 10, 11, 12, 13], updates.Select(u => u.TokenId));
        Assert.Equal("bklmn", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal([false, true, true, false, false], updates.Select(u => u.IsForced));
        // Prefill, then the sampled 'b' and both forced tokens in one step, then one token per step.
        Assert.Equal([[0], [1, 10, 11], [12]], model.Fed);
        // Asked before every position that was not already forced: 1, 2 (force covers 2 and 3), 4, 5.
        Assert.Equal(4, controller.Calls);
    }

    [Fact]
    public async Task Tokens_forced_before_the_first_sample_replace_it()
    {
        var model = new SuccessorModel(26, 100);
        var controller = new ScriptedController(GenerationDirective.Force(new[] { 20 }));
        var updates = await Run(model, [0], Greedy with { MaxNewTokens = 2 }, TestContext.Current.CancellationToken, controller);

        Assert.Equal([20, 21], updates.Select(u => u.TokenId));
        Assert.Equal([[0], [20]], model.Fed);
    }

    [Fact]
    public async Task A_controller_decides_from_what_the_consumer_has_already_seen()
    {
        var model = new SuccessorModel(26, 100);
        var controller = new ConsumerDrivenController();
        var tokens = new List<int>();
        await foreach (var u in TokenGenerator.GenerateAsync(model, [0], Greedy with { MaxNewTokens = 6 }, new LetterDecoder(), controller, TestContext.Current.CancellationToken))
        {
            tokens.Add(u.TokenId);
            if (u.Text == "c") controller.ForceNext = [24]; // reacting to 'c' must put 'y' right after it
        }
        Assert.Equal([1, 2, 24, 25, 0, 1], tokens);
    }

    [Fact]
    public async Task Stop_directive_ends_with_a_tokenless_update_that_flushes_the_text()
    {
        var model = new SuccessorModel(26, 100);
        var controller = new ScriptedController(GenerationDirective.Sample, GenerationDirective.Sample, GenerationDirective.Stop);
        var updates = await Run(model, [0], Greedy with { StopStrings = ["cx"] }, TestContext.Current.CancellationToken, controller);

        // 'c' is held back as the possible start of "cx" and released by the stop.
        Assert.Equal([1, 2, GenerationUpdate.NoToken], updates.Select(u => u.TokenId));
        Assert.Equal(["b", "", "c"], updates.Select(u => u.Text));
        Assert.Equal(FinishReason.Stopped, updates[^1].FinishReason);
        Assert.Equal(2, model.ForwardCalls); // prefill and 'b'; 'c' is never fed
    }

    [Fact]
    public async Task Forced_tokens_count_towards_the_token_limit()
    {
        var model = new SuccessorModel(26, 100);
        var controller = new ScriptedController(GenerationDirective.Force(new[] { 5, 6, 7, 8, 9 }));
        var updates = await Run(model, [0], Greedy with { MaxNewTokens = 3 }, TestContext.Current.CancellationToken, controller);

        Assert.Equal([5, 6, 7], updates.Select(u => u.TokenId));
        Assert.Equal(FinishReason.MaxTokens, updates[^1].FinishReason);
        Assert.True(updates[^1].IsForced);
    }

    [Fact]
    public async Task A_forced_stop_token_ends_generation_like_a_sampled_one()
    {
        var controller = new ScriptedController(GenerationDirective.Force(new[] { 7, 3, 9 }));
        var updates = await Run(new SuccessorModel(26, 100), [0], Greedy with { StopTokenIds = [3] }, TestContext.Current.CancellationToken, controller);

        Assert.Equal([7, 3], updates.Select(u => u.TokenId));
        Assert.Equal(FinishReason.StopToken, updates[^1].FinishReason);
        Assert.Equal("h", string.Concat(updates.Select(u => u.Text)));
    }

    [Fact]
    public async Task Forced_text_completing_a_stop_string_ends_generation()
    {
        // Sampled 'b', then forced "cd": "bcd" holds the stop string "cd".
        var controller = new ScriptedController(GenerationDirective.Sample, GenerationDirective.Force(new[] { 2, 3 }));
        var updates = await Run(new SuccessorModel(26, 100), [0], Greedy with { StopStrings = ["cd"] }, TestContext.Current.CancellationToken, controller);

        Assert.Equal("b", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(FinishReason.StopString, updates[^1].FinishReason);
    }

    [Fact]
    public async Task Forced_token_outside_the_vocabulary_is_rejected()
    {
        var controller = new ScriptedController(GenerationDirective.Force(new[] { 26 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Run(new SuccessorModel(26, 100), [0], Greedy, TestContext.Current.CancellationToken, controller));
    }

    [Fact]
    public void A_forced_step_without_tokens_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => GenerationDirective.Force(ReadOnlyMemory<int>.Empty));
    }

    [Fact]
    public async Task Forcing_near_the_context_window_stops_when_it_is_full()
    {
        // Context 5: prompt [0, 1] leaves three positions; forcing four tokens fills them.
        var model = new SuccessorModel(26, 5);
        var controller = new ScriptedController(GenerationDirective.Force(new[] { 4, 5, 6, 7 }));
        var updates = await Run(model, [0, 1], Greedy with { MaxNewTokens = 50 }, TestContext.Current.CancellationToken, controller);

        Assert.Equal([4, 5, 6], updates.Select(u => u.TokenId));
        Assert.Equal(FinishReason.ContextFull, updates[^1].FinishReason);
    }
}
