using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Text.DeepSeek;

namespace DeepSeek.Sdk.Text.Tests.DeepSeek;

/// <summary>DeepSeek-V3/V2 against transformers (float64) on random checkpoints in the published layouts: F32,
/// BF16 and FP8 (block-scaled F8_E4M3, several weight_block_size) weights for V3 (q LoRA, sigmoid group-limited routing with correction
/// bias, YaRN), F32 for V2 (plain q_proj, softmax greedy routing, two shared experts).</summary>
public sealed class DeepSeekV3ModelTests
{
    // We compute in F32 from the same stored (BF16/FP8-dequantized) values the reference used in float64, so
    // every case differs from it by F32 rounding only: ~1e-6 relative per op, accumulated over 3 layers and
    // the absorbed-attention reordering, stays well under 1e-4 of the logits' scale.
    private const double Tolerance = 1e-4;

    public static TheoryData<string> Cases => new()
    {
        "deepseek_v3_f32", "deepseek_v3_bf16", "deepseek_v3_fp8", "deepseek_v2_f32",
        // FP8 tiles that do not divide the splits: 32x16 (the alternative config: no q LoRA, 2 heads, 2 shared experts)
        // and 48x32 / 40x20 tiles, whose kv_a_proj_with_mqa split at kv_lora_rank = 16 starts inside a tile.
        "deepseek_v3_fp8_alt_32x16", "deepseek_v3_fp8_public_48x32", "deepseek_v3_fp8_public_40x20",
        "deepseek_v3_fp8_public_128x128",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Prefill_logits_match_the_reference_at_every_prompt_position(string name)
    {
        var oracle = OracleCase.Load(name);
        using var backend = new CpuBackend(2);
        using var model = DeepSeekV3Model.Load(oracle.Directory, backend);
        using var cache = model.CreateCache(oracle.SequenceIds.Length);
        var logits = new float[oracle.PromptIds.Length * oracle.Vocab];

        model.ForwardAllLogits(oracle.PromptIds, cache, logits, TestContext.Current.CancellationToken);

        Assert.Equal(oracle.PromptIds.Length, cache.Length);
        double worst = 0;
        for (int row = 0; row < oracle.PromptIds.Length; row++)
        {
            double error = LogitComparison.RelativeError(logits.AsSpan(row * oracle.Vocab, oracle.Vocab), oracle.PrefillLogits.AsSpan(row * oracle.Vocab, oracle.Vocab));
            Assert.True(error < Tolerance, $"{name} prompt row {row}: relative error {error:E3}");
            worst = Math.Max(worst, error);
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{name} prefill: worst relative error {worst:E2}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decoding_one_token_at_a_time_from_the_latent_cache_matches_every_sequence_row(string name)
    {
        var oracle = OracleCase.Load(name);
        using var backend = new CpuBackend(2);
        using var model = DeepSeekV3Model.Load(oracle.Directory, backend);
        using var cache = model.CreateCache(oracle.SequenceIds.Length);
        var logits = new float[oracle.Vocab];

        double worst = 0;
        for (int position = 0; position < oracle.SequenceIds.Length; position++)
        {
            model.Forward(oracle.SequenceIds.AsSpan(position, 1), cache, logits, TestContext.Current.CancellationToken);
            double error = LogitComparison.RelativeError(logits, oracle.SequenceLogits.AsSpan(position * oracle.Vocab, oracle.Vocab));
            Assert.True(error < Tolerance, $"{name} position {position}: relative error {error:E3}");
            worst = Math.Max(worst, error);
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{name} decode: worst relative error {worst:E2}");
        Assert.Equal(oracle.SequenceIds.Length, cache.Length);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Greedy_continuation_after_a_prefill_reproduces_the_reference_ids(string name)
    {
        var oracle = OracleCase.Load(name);
        using var backend = new CpuBackend(2);
        using var model = DeepSeekV3Model.Load(oracle.Directory, backend);
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
        using var model = DeepSeekV3Model.Load(oracle.Directory, backend);
        using var cache = model.CreateCache(oracle.SequenceIds.Length);
        var generated = new int[oracle.GreedyNewIds.Length];

        generated[0] = model.ForwardGreedy(oracle.PromptIds, cache, TestContext.Current.CancellationToken);
        for (int i = 1; i < generated.Length; i++)
            generated[i] = model.ForwardGreedy([generated[i - 1]], cache, TestContext.Current.CancellationToken);

        Assert.Equal(oracle.GreedyNewIds, generated);
        Assert.Equal(oracle.PromptIds.Length + generated.Length - 1, cache.Length);
    }

    [Fact]
    public void Cache_holds_only_the_latent_and_rotary_key_per_token_and_layer()
    {
        var oracle = OracleCase.Load("deepseek_v3_f32");
        using var backend = new CpuBackend(1);
        using var model = DeepSeekV3Model.Load(oracle.Directory, backend);
        using var cache = model.CreateCache(32);
        var config = model.Config;

        Assert.IsType<MlaKvCache>(cache);
        Assert.Equal((long)config.NumHiddenLayers * (config.KvLoraRank + config.QkRopeHeadDim) * 4, cache.BytesPerToken);
        Assert.Equal(3L * (16 + 8) * 4, cache.BytesPerToken);
    }

    [Fact]
    public void Truncating_the_cache_and_decoding_again_gives_the_same_logits()
    {
        var oracle = OracleCase.Load("deepseek_v3_f32");
        using var backend = new CpuBackend(1);
        using var model = DeepSeekV3Model.Load(oracle.Directory, backend);
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
}
