using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Text;
using DeepSeek.Sdk.Tokenization;

namespace DeepSeek.Sdk.Reasoning.Tests;

/// <summary>
/// The pipeline end to end on a real DeepSeek-V3 model: the random-weight fixture (tests/Fixtures/oracle/
/// deepseek_v3_f32, MLA + MoE, vocabulary 320) with a small R1-style tokenizer written next to it. The
/// weights are random, so the text is noise; what is checked is the structure the pipeline imposes.
/// </summary>
public sealed class FixtureModelReasoningTests : IDisposable
{
    private const string CloseText = "\n</think>\n\n";

    private readonly TempDirectory _dir = new();
    private readonly CpuBackend _backend = new(2);
    private readonly ICausalLanguageModel _model;
    private readonly Tokenizer _tokenizer;

    public FixtureModelReasoningTests()
    {
        string fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "oracle", "deepseek_v3_f32");
        foreach (var name in new[] { "config.json", "model.safetensors" })
            File.Copy(Path.Combine(fixture, name), _dir.File(name));
        TinyR1Tokenizer.Write(_dir.Path);
        _model = TextModels.Load(_dir.Path, _backend);
        _tokenizer = Tokenizer.FromDirectory(_dir.Path);
    }

    public void Dispose()
    {
        _model.Dispose();
        _backend.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void The_tokenizer_fits_the_models_vocabulary()
    {
        Assert.Equal(_model.VocabularySize, _tokenizer.VocabularySize);
    }

    [Fact]
    public async Task The_budget_closes_the_trace_after_exactly_N_reasoning_tokens_and_the_answer_follows()
    {
        const int budget = 8, maxNewTokens = 24;
        var pipeline = new ReasoningPipeline(_model, _tokenizer);
        var options = new ReasoningOptions { Sampling = SamplingOptions.Greedy, MaxThinkingTokens = budget, MaxNewTokens = maxNewTokens };

        var updates = new List<ReasoningUpdate>();
        await foreach (var update in pipeline.StreamAsync("What is 2+2?", options, TestContext.Current.CancellationToken)) updates.Add(update);
        var result = Assert.IsType<ReasoningCompleted>(updates[^1]).Result;

        Assert.Equal(budget, result.ReasoningTokens);
        Assert.True(result.ClosedByBudget);
        Assert.True(result.TraceClosed);
        Assert.Equal(_tokenizer.Encode(CloseText).Length, result.ForcedTokens);
        Assert.True(result.AnswerTokens > 0, "the model goes on to answer after the forced close");
        // Every new token is reasoning, forced or answer (the end-of-sequence token, if any, is none of them).
        int counted = result.ReasoningTokens + result.ForcedTokens + result.AnswerTokens;
        Assert.Equal(result.FinishReason == ReasoningFinishReason.MaxTokens ? maxNewTokens : counted, counted);
        int thinkingCompleted = updates.FindIndex(u => u is ThinkingCompleted);
        Assert.True(thinkingCompleted >= 0);
        Assert.DoesNotContain(updates.Take(thinkingCompleted), u => u is AnswerDelta);
        Assert.DoesNotContain(updates.Skip(thinkingCompleted), u => u is ReasoningDelta);
    }

    [Fact]
    public async Task Stop_after_thinking_stops_at_the_budget_with_R1_sampling()
    {
        var pipeline = new ReasoningPipeline(_model, _tokenizer);
        var options = new ReasoningOptions { Sampling = ReasoningOptions.R1Sampling with { Seed = 7 }, MaxThinkingTokens = 6, StopAfterThinking = true, MaxNewTokens = 64 };

        var result = await pipeline.RunAsync("What is 2+2?", options, TestContext.Current.CancellationToken);

        Assert.Equal(ReasoningFinishReason.EndOfThinking, result.FinishReason);
        Assert.Equal(6, result.ReasoningTokens);
        Assert.Equal(0, result.AnswerTokens);
        Assert.Equal(0, result.ForcedTokens);
        Assert.Equal("", result.Answer);
        Assert.True(result.ClosedByBudget);
    }

    /// <summary>Forces its tokens once, after the given number of sampled ones.</summary>
    private sealed class ForceAfter(int sampled, int[] tokens) : IGenerationController
    {
        private int _asked;

        public GenerationDirective NextStep() => _asked++ == sampled ? GenerationDirective.Force(tokens) : GenerationDirective.Sample;
    }

    [Fact]
    public async Task Forced_tokens_fed_in_one_step_continue_exactly_as_when_fed_one_at_a_time()
    {
        int[] prompt = _tokenizer.Encode(ReasoningPrompt.Render(ChatFormatter.FromTokenizer(_tokenizer), [ChatTurn.User("What is 2+2?")], TestContext.Current.CancellationToken));
        int[] forced = _tokenizer.Encode(CloseText);
        const int before = 4, total = 14;
        var options = new GenerationOptions { Sampling = SamplingOptions.Greedy, MaxNewTokens = total };

        var generated = new List<int>();
        await foreach (var update in TokenGenerator.GenerateAsync(_model, prompt, options, new StreamingDetokenizer(_tokenizer), new ForceAfter(before, forced), TestContext.Current.CancellationToken))
            generated.Add(update.TokenId);

        // Reference: the same sequence built one token per model step, the forced tokens included.
        var expected = new List<int>();
        using var cache = _model.CreateCache(prompt.Length + total);
        var logits = new float[_model.VocabularySize];
        _model.Forward(prompt, cache, logits, TestContext.Current.CancellationToken);
        while (expected.Count < total)
        {
            int next = expected.Count >= before && expected.Count < before + forced.Length ? forced[expected.Count - before] : Sampler.ArgMax(logits);
            expected.Add(next);
            _model.Forward([next], cache, logits, TestContext.Current.CancellationToken);
        }

        Assert.Equal(expected, generated);
    }
}
