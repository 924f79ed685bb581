using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Text;

namespace DeepSeek.Sdk.Gpu.Tests;

/// <summary>Every text model fixture on the GPU, through the same model code as on the CPU (TextModels.Load picks
/// DeepSeek-V3/V2 or Llama/Qwen2 by model_type): prefill logits and cached decode against the float64 reference,
/// the greedy continuation, and GPU-versus-CPU parity of the logits.</summary>
public sealed class ModelFixtureTests(GpuFixture gpu)
{
    // F32 checkpoints run in F32 end to end on the GPU (GEMV in F32, cuBLAS with CUBLAS_COMPUTE_32F and no TF32), so
    // they keep the CPU's bound: F32 rounding over 2-3 layers, well under 1e-4 of the logits' scale. BF16 matrices
    // (every one of a BF16 checkpoint; lm_head, router and embeddings of the FP8 release, whose FP8 matrices are
    // dequantized exactly to F32) go through BF16 activations in cuBLAS for prompts (more than 8 rows): the issue's
    // bound for BF16 compute, 3e-2, applies (measured: 1.8e-3 FP8, 6.7e-3 BF16 on the H100). Decoding one row at a
    // time is the GEMV path (weights as stored, F32 activations) for every dtype, so it keeps 1e-4 throughout.
    private const double F32Tolerance = 1e-4;
    private const double BF16Tolerance = 3e-2;

    public static TheoryData<string> Cases => new()
    {
        "deepseek_v3_f32", "deepseek_v3_bf16", "deepseek_v3_fp8", "deepseek_v2_f32", "qwen2_f32", "llama3_f32", "llama3_bf16",
    };

    private static double ToleranceOf(string name) => OracleCase.ComputesInF32(name) ? F32Tolerance : BF16Tolerance;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Prefill_logits_match_the_reference_and_the_cpu(string name)
    {
        var cuda = gpu.Require();
        var oracle = OracleCase.Load(name);
        var onGpu = PrefillLogits(cuda, oracle);
        var onCpu = PrefillLogits(gpu.Cpu, oracle);
        int vocab = oracle.Vocab;
        for (int row = 0; row < oracle.PromptIds.Length; row++)
        {
            Parity.Close(oracle.PrefillLogits.AsSpan(row * vocab, vocab), onGpu.AsSpan(row * vocab, vocab), ToleranceOf(name), $"{name} prefill row {row} vs reference");
            Parity.Close(onCpu.AsSpan(row * vocab, vocab), onGpu.AsSpan(row * vocab, vocab), ToleranceOf(name), $"{name} prefill row {row} vs cpu");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decoding_token_by_token_matches_every_sequence_row(string name)
    {
        var cuda = gpu.Require();
        var oracle = OracleCase.Load(name);
        using var model = TextModels.Load(oracle.Directory, cuda);
        using var cache = model.CreateCache(oracle.SequenceIds.Length);
        var logits = new float[oracle.Vocab];
        for (int position = 0; position < oracle.SequenceIds.Length; position++)
        {
            model.Forward(oracle.SequenceIds.AsSpan(position, 1), cache, logits, TestContext.Current.CancellationToken);
            Parity.Close(oracle.SequenceLogits.AsSpan(position * oracle.Vocab, oracle.Vocab), logits, F32Tolerance, $"{name} decode position {position}");
        }
        Assert.Equal(oracle.SequenceIds.Length, cache.Length);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Greedy_continuation_after_a_prefill_reproduces_the_reference_ids(string name)
    {
        var cuda = gpu.Require();
        var oracle = OracleCase.Load(name);
        using var model = TextModels.Load(oracle.Directory, cuda);
        using var cache = model.CreateCache(oracle.SequenceIds.Length);
        var logits = new float[oracle.Vocab];
        var generated = new int[oracle.GreedyNewIds.Length];
        model.Forward(oracle.PromptIds, cache, logits, TestContext.Current.CancellationToken);
        for (int i = 0; i < generated.Length; i++)
        {
            generated[i] = OracleCase.Argmax(logits);
            if (i + 1 < generated.Length) model.Forward([generated[i]], cache, logits, TestContext.Current.CancellationToken);
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{name}: generated [{string.Join(", ", generated)}], reference [{string.Join(", ", oracle.GreedyNewIds)}]");
        // Equal ids wherever the prompt is computed in F32. A BF16 prompt may flip a near tie, so there the first id
        // is checked only when the reference's top-two margin exceeds twice the error the tolerance allows.
        if (OracleCase.ComputesInF32(name))
        {
            Assert.Equal(oracle.GreedyNewIds, generated);
            return;
        }
        var last = oracle.PrefillLogits.AsSpan((oracle.PromptIds.Length - 1) * oracle.Vocab, oracle.Vocab);
        float top = float.NegativeInfinity, second = float.NegativeInfinity, scale = 0;
        foreach (float v in last)
        {
            if (v > top) (top, second) = (v, top);
            else if (v > second) second = v;
            scale = Math.Max(scale, Math.Abs(v));
        }
        if (top - second > 2 * BF16Tolerance * scale) Assert.Equal(oracle.GreedyNewIds[0], generated[0]);
        else TestContext.Current.TestOutputHelper?.WriteLine($"{name}: reference margin {(top - second) / scale:E2} of the scale is within the BF16 error; first id not compared.");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardGreedy_picks_on_the_gpu_the_ids_that_its_logits_give(string name)
    {
        // The argmax kernel against the host's scan of the same step's logits, on two caches fed the same ids (the
        // kernels are deterministic, so both see identical logits).
        var cuda = gpu.Require();
        var oracle = OracleCase.Load(name);
        using var model = TextModels.Load(oracle.Directory, cuda);
        using var greedyCache = model.CreateCache(oracle.SequenceIds.Length);
        using var logitsCache = model.CreateCache(oracle.SequenceIds.Length);
        var logits = new float[oracle.Vocab];
        var ct = TestContext.Current.CancellationToken;
        int greedy = model.ForwardGreedy(oracle.PromptIds, greedyCache, ct);
        model.Forward(oracle.PromptIds, logitsCache, logits, ct);
        for (int i = 0; i < oracle.GreedyNewIds.Length; i++)
        {
            Assert.Equal(OracleCase.Argmax(logits), greedy);
            greedy = model.ForwardGreedy([greedy], greedyCache, ct);
            model.Forward([OracleCase.Argmax(logits)], logitsCache, logits, ct);
        }
    }

    private static float[] PrefillLogits(IBackend backend, OracleCase oracle)
    {
        using var model = TextModels.Load(oracle.Directory, backend);
        using var cache = model.CreateCache(oracle.SequenceIds.Length);
        var logits = new float[oracle.PromptIds.Length * oracle.Vocab];
        ForwardAll(model, oracle.PromptIds, cache, logits);
        return logits;
    }

    private static void ForwardAll(ICausalLanguageModel model, int[] ids, IKvCache cache, float[] logits) =>
        model.ForwardAllLogits(ids, cache, logits, TestContext.Current.CancellationToken);
}
