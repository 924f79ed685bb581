using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Text.Llama;
using DeepSeek.Sdk.Text.Tests.DeepSeek;

namespace DeepSeek.Sdk.Text.Tests.Llama;

/// <summary>Qwen2 and Llama against transformers (float64) on random checkpoints in the published layouts: Qwen2
/// (R1-Distill-Qwen: GQA with q/k/v bias, rope_theta 1e4), Llama-3 in F32 and BF16 (R1-Distill-Llama: GQA, llama3
/// rope scaling with an original context of 64 so that the prompts reach the blended wavelengths).</summary>
public sealed class LlamaModelTests
{
    // We compute in F32 from the same stored (F32 or BF16) values the reference used in float64, so every case
    // differs from it by F32 rounding only: ~1e-6 relative per op over 2-3 layers stays well under 1e-4 of the
    // logits' scale (the fixtures' hint for F32 compute; measured ~3e-7).
    private const double Tolerance = 1e-4;

    public static TheoryData<string> Cases => new() { "qwen2_f32", "llama3_f32", "llama3_bf16" };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Prefill_logits_match_the_reference_at_every_prompt_position(string name)
    {
        var oracle = OracleCase.Load(name);
        using var backend = new CpuBackend(2);
        using var model = LlamaModel.Load(oracle.Directory, backend);
        using var cache = model.CreateCache(oracle.SequenceIds.Length);
        var logits = new float[oracle.PromptIds.Length * oracle.Vocab];

        model.ForwardAllLogits(oracle.PromptIds, cache, logits, TestContext.Current.CancellationToken);

        Assert.Equal(oracle.PromptIds.Length, cache.Length);
        for (int row = 0; row < oracle.PromptIds.Length; row++)
        {
            double error = LogitComparison.RelativeError(logits.AsSpan(row * oracle.Vocab, oracle.Vocab), oracle.PrefillLogits.AsSpan(row * oracle.Vocab, oracle.Vocab));
            Assert.True(error < Tolerance, $"{name} prompt row {row}: relative error {error:E3}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decoding_one_token_at_a_time_from_the_cache_matches_every_sequence_row(string name)
    {
        var oracle = OracleCase.Load(name);
        using var backend = new CpuBackend(2);
        using var model = LlamaModel.Load(oracle.Directory, backend);
        using var cache = model.CreateCache(oracle.SequenceIds.Length);
        var logits = new float[oracle.Vocab];

        for (int position = 0; position < oracle.SequenceIds.Length; position++)
        {
            model.Forward(oracle.SequenceIds.AsSpan(position, 1), cache, logits, TestContext.Current.CancellationToken);
            double error = LogitComparison.RelativeError(logits, oracle.SequenceLogits.AsSpan(position * oracle.Vocab, oracle.Vocab));
            Assert.True(error < Tolerance, $"{name} position {position}: relative error {error:E3}");
        }
        Assert.Equal(oracle.SequenceIds.Length, cache.Length);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Greedy_continuation_after_a_prefill_reproduces_the_reference_ids(string name)
    {
        var oracle = OracleCase.Load(name);
        using var backend = new CpuBackend(2);
        using var model = LlamaModel.Load(oracle.Directory, backend);
        using var cache = model.CreateCache(oracle.SequenceIds.Length);
        var logits = new float[oracle.Vocab];
        var generated = new int[oracle.GreedyNewIds.Length];

        model.Forward(oracle.PromptIds, cache, logits, TestContext.Current.CancellationToken);
        for (int i = 0; i < generated.Length; i++)
        {
            generated[i] = LogitComparison.Argmax(logits);
            if (i + 1 < generated.Length) model.Forward([generated[i]], cache, logits, TestContext.Current.CancellationToken);
        }

        Assert.Equal(oracle.GreedyNewIds, generated);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardGreedy_picks_the_reference_ids_without_returning_logits(string name)
    {
        var oracle = OracleCase.Load(name);
        using var backend = new CpuBackend(2);
        using var model = LlamaModel.Load(oracle.Directory, backend);
        using var cache = model.CreateCache(oracle.SequenceIds.Length);
        var generated = new int[oracle.GreedyNewIds.Length];

        generated[0] = model.ForwardGreedy(oracle.PromptIds, cache, TestContext.Current.CancellationToken);
        for (int i = 1; i < generated.Length; i++)
            generated[i] = model.ForwardGreedy([generated[i - 1]], cache, TestContext.Current.CancellationToken);

        Assert.Equal(oracle.GreedyNewIds, generated);
        Assert.Equal(oracle.PromptIds.Length + generated.Length - 1, cache.Length);
    }

    [Theory]
    [InlineData("llama3_f32", 2 * 2 * 2 * 8 * 4)]
    [InlineData("qwen2_f32", 2 * 2 * 2 * 16 * 4)]
    public void Cache_holds_keys_and_values_of_each_kv_head_per_token_and_layer(string name, long bytes)
    {
        var oracle = OracleCase.Load(name);
        using var backend = new CpuBackend(1);
        using var model = LlamaModel.Load(oracle.Directory, backend);
        using var cache = model.CreateCache(32);
        var config = model.Config;

        var kv = Assert.IsType<KvCache>(cache);
        Assert.Equal(2L * config.NumHiddenLayers * config.NumKeyValueHeads * config.HeadDim * sizeof(float), cache.BytesPerToken);
        Assert.Equal(bytes, cache.BytesPerToken);
        // [layers][kv_heads][positions][head_dim] per sequence: slot 0 of a one-sequence batch.
        Assert.Equal(new Tensors.Shape(1, config.NumKeyValueHeads, 32, config.HeadDim), kv.Batch.Keys(0).Shape);
        Assert.Equal(config.NumHiddenLayers, kv.Batch.Layers);
    }

    [Fact]
    public void Truncating_the_cache_and_decoding_again_gives_the_same_logits()
    {
        var oracle = OracleCase.Load("qwen2_f32");
        using var backend = new CpuBackend(1);
        using var model = LlamaModel.Load(oracle.Directory, backend);
        using var cache = model.CreateCache(oracle.SequenceIds.Length);
        var logits = new float[oracle.Vocab];
        model.Forward(oracle.SequenceIds.AsSpan(0, 6), cache, logits, TestContext.Current.CancellationToken);
        model.Forward(oracle.SequenceIds.AsSpan(6, 3), cache, logits, TestContext.Current.CancellationToken);

        cache.Truncate(5);
        model.Forward(oracle.SequenceIds.AsSpan(5, 4), cache, logits, TestContext.Current.CancellationToken);

        Assert.Equal(9, cache.Length);
        double error = LogitComparison.RelativeError(logits, oracle.SequenceLogits.AsSpan(8 * oracle.Vocab, oracle.Vocab));
        Assert.True(error < Tolerance, $"relative error {error:E3}");
    }

    [Fact]
    public void A_decode_step_after_warm_up_allocates_nothing_on_the_calling_thread()
    {
        var oracle = OracleCase.Load("llama3_bf16");
        // One thread: every kernel runs on the caller, so its allocation counter sees the whole step.
        using var backend = new CpuBackend(1);
        using var model = LlamaModel.Load(oracle.Directory, backend);
        using var cache = model.CreateCache(oracle.SequenceIds.Length);
        var logits = new float[oracle.Vocab];
        model.Forward(oracle.PromptIds, cache, logits, TestContext.Current.CancellationToken);
        model.Forward(oracle.GreedyNewIds.AsSpan(0, 1), cache, logits, TestContext.Current.CancellationToken);

        long before = GC.GetAllocatedBytesForCurrentThread();
        model.Forward(oracle.GreedyNewIds.AsSpan(1, 1), cache, logits, TestContext.Current.CancellationToken);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void A_greedy_decode_step_after_warm_up_allocates_nothing_on_the_calling_thread()
    {
        var oracle = OracleCase.Load("qwen2_f32");
        using var backend = new CpuBackend(1);
        using var model = LlamaModel.Load(oracle.Directory, backend);
        using var cache = model.CreateCache(oracle.SequenceIds.Length);
        int token = model.ForwardGreedy(oracle.PromptIds, cache, TestContext.Current.CancellationToken);
        token = model.ForwardGreedy([token], cache, TestContext.Current.CancellationToken);

        long before = GC.GetAllocatedBytesForCurrentThread();
        model.ForwardGreedy([token], cache, TestContext.Current.CancellationToken);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void The_cache_refuses_a_token_past_its_capacity()
    {
        var oracle = OracleCase.Load("llama3_f32");
        using var backend = new CpuBackend(1);
        using var model = LlamaModel.Load(oracle.Directory, backend);
        using var cache = model.CreateCache(4);
        var logits = new float[oracle.Vocab];
        model.Forward(oracle.PromptIds.AsSpan(0, 4), cache, logits, TestContext.Current.CancellationToken);

        Assert.Throws<Generation.ContextLengthExceededException>(() => model.Forward(oracle.PromptIds.AsSpan(4, 1), cache, logits, TestContext.Current.CancellationToken));
        Assert.Equal(4, cache.Length);
    }
}
