using System.Text.Json.Nodes;
using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Tensors;
using DeepSeek.Sdk.Text.DeepSeek;

namespace DeepSeek.Sdk.Text.Tests.DeepSeek;

/// <summary>The stored dtype must not change what the model computes, only how the weights are read: an FP8
/// checkpoint of any weight_block_size and an F16 checkpoint each give the logits of their F32 twin (the same values,
/// widened); and a header whose labels lie is refused when the model is loaded.</summary>
public sealed class DeepSeekV3StoredDTypeTests
{
    // Both models compute in F32 over the same weight values; the FP8 one scales each tile's partial dot instead of
    // each weight, and re-associates nothing else, so they differ by F32 rounding (~1e-6 of the logits' scale).
    private const double TwinTolerance = 2e-5;

    public static TheoryData<int, int> BlockSizes => new()
    {
        { 128, 128 }, { 32, 16 }, { 48, 32 }, { 16, 48 }, { 7, 5 }, { 1, 1 }, { 24, 8 }, { 3, 64 },
    };

    [Theory]
    [MemberData(nameof(BlockSizes))]
    public void Fp8_checkpoints_of_any_block_size_match_their_dequantized_f32_twin(int blockRows, int blockCols)
    {
        using var fp8 = new TempDirectory();
        using var twin = new TempDirectory();
        FixtureRewrite.Write("deepseek_v3_f32", fp8.Path, (name, t) => Quantized(name, t, blockRows, blockCols, dequantized: false),
            c => c["quantization_config"] = new JsonObject
            {
                ["activation_scheme"] = "dynamic", ["fmt"] = "e4m3", ["quant_method"] = "fp8", ["weight_block_size"] = new JsonArray(blockRows, blockCols),
            });
        FixtureRewrite.Write("deepseek_v3_f32", twin.Path, (name, t) => Quantized(name, t, blockRows, blockCols, dequantized: true));

        AssertSameLogits(fp8.Path, twin.Path, $"{blockRows}x{blockCols}");
    }

    [Fact]
    public void An_f16_checkpoint_matches_its_f32_twin()
    {
        // F16 is read correctly: only BF16 bytes under an F16 label (another exponent width) give other numbers.
        using var f16 = new TempDirectory();
        using var twin = new TempDirectory();
        FixtureRewrite.Write("deepseek_v3_f32", f16.Path, (name, t) => [new(name, Half(t, widen: false))], c => c["torch_dtype"] = "float16");
        FixtureRewrite.Write("deepseek_v3_f32", twin.Path, (name, t) => [new(name, Half(t, widen: true))]);

        AssertSameLogits(f16.Path, twin.Path, "f16");
    }

    [Theory]
    [InlineData(DType.F16, "mix F16 and BF16")]
    [InlineData(DType.I16, "dtype I16 is not one a layer accepts (F32, BF16, F16)")]
    public void A_relabelled_bf16_tensor_is_refused_when_the_model_loads(DType label, string message)
    {
        const string victim = "model.layers.2.mlp.experts.3.down_proj.weight";
        using var directory = new TempDirectory();
        FixtureRewrite.Write("deepseek_v3_bf16", directory.Path, (name, t) => [new(name, name == victim ? FixtureRewrite.Relabel(t, label) : t)]);
        using var backend = new CpuBackend(1);

        var error = Assert.Throws<CheckpointDTypeException>(() => DeepSeekV3Model.Load(directory.Path, backend));

        Assert.Equal(victim, error.TensorName);
        Assert.Equal(label, error.DType);
        Assert.Contains(message, error.Message);
    }

    private static void AssertSameLogits(string directory, string twinDirectory, string what)
    {
        var oracle = OracleCase.Load("deepseek_v3_f32");
        using var backend = new CpuBackend(2);
        using var model = DeepSeekV3Model.Load(directory, backend);
        using var twin = DeepSeekV3Model.Load(twinDirectory, backend);
        using var cache = model.CreateCache(oracle.SequenceIds.Length);
        using var twinCache = twin.CreateCache(oracle.SequenceIds.Length);
        var logits = new float[oracle.PromptIds.Length * oracle.Vocab];
        var expected = new float[logits.Length];
        model.ForwardAllLogits(oracle.PromptIds, cache, logits, TestContext.Current.CancellationToken);
        twin.ForwardAllLogits(oracle.PromptIds, twinCache, expected, TestContext.Current.CancellationToken);
        for (int row = 0; row < oracle.PromptIds.Length; row++)
        {
            double error = LogitComparison.RelativeError(logits.AsSpan(row * oracle.Vocab, oracle.Vocab), expected.AsSpan(row * oracle.Vocab, oracle.Vocab));
            Assert.True(error < TwinTolerance, $"{what} prompt row {row}: relative error {error:E3}");
        }
        // Decode rows take the other kernels (GEMV, routed experts with the shared expert folded in).
        var step = new float[oracle.Vocab];
        var twinStep = new float[oracle.Vocab];
        for (int i = oracle.PromptIds.Length; i < oracle.SequenceIds.Length; i++)
        {
            model.Forward(oracle.SequenceIds.AsSpan(i, 1), cache, step, TestContext.Current.CancellationToken);
            twin.Forward(oracle.SequenceIds.AsSpan(i, 1), twinCache, twinStep, TestContext.Current.CancellationToken);
            double error = LogitComparison.RelativeError(step, twinStep);
            Assert.True(error < TwinTolerance, $"{what} decode position {i}: relative error {error:E3}");
        }
    }

    // The layout of DeepSeek-V3's release (and of the oracle's make_fixtures.py fp8_quantize): every projection as
    // F8_E4M3 with an F32 weight_scale_inv of amax / 448 per tile, partial tiles at the edges; anything else as stored.
    // The twin holds fp8 * scale in F32 under the plain name, with no quantization config.
    private static IEnumerable<KeyValuePair<string, Tensor>> Quantized(string name, Tensor tensor, int blockRows, int blockCols, bool dequantized)
    {
        if (!(name.EndsWith("proj.weight", StringComparison.Ordinal) || name.EndsWith("proj_with_mqa.weight", StringComparison.Ordinal)))
            return [new(name, tensor)];
        int rows = tensor.Shape[0], cols = tensor.Shape[1];
        int tileRows = (rows + blockRows - 1) / blockRows, tileCols = (cols + blockCols - 1) / blockCols;
        var values = tensor.ToFloatArray();
        var scales = new float[tileRows * tileCols];
        var codes = new byte[values.Length];
        for (int tr = 0; tr < tileRows; tr++)
        {
            for (int tc = 0; tc < tileCols; tc++)
            {
                float amax = 1e-12f;
                for (int r = tr * blockRows; r < Math.Min(rows, (tr + 1) * blockRows); r++)
                    for (int c = tc * blockCols; c < Math.Min(cols, (tc + 1) * blockCols); c++)
                        amax = Math.Max(amax, Math.Abs(values[r * cols + c]));
                float scale = amax / 448f;
                scales[tr * tileCols + tc] = scale;
                for (int r = tr * blockRows; r < Math.Min(rows, (tr + 1) * blockRows); r++)
                    for (int c = tc * blockCols; c < Math.Min(cols, (tc + 1) * blockCols); c++)
                        codes[r * cols + c] = ScalarConversions.F32ToF8E4M3(values[r * cols + c] / scale);
            }
        }
        if (dequantized)
        {
            var widened = new float[values.Length];
            for (int i = 0; i < widened.Length; i++)
                widened[i] = ScalarConversions.F8E4M3ToF32(codes[i]) * scales[i / cols / blockRows * tileCols + i % cols / blockCols];
            return [new(name, Tensor.FromArray(widened, rows, cols))];
        }
        return
        [
            new(name, Tensor.FromSpan<byte>(codes, tensor.Shape, DType.F8E4M3)),
            new(name.Replace(".weight", ".weight_scale_inv", StringComparison.Ordinal), Tensor.FromArray(scales, tileRows, tileCols)),
        ];
    }

    private static Tensor Half(Tensor tensor, bool widen)
    {
        if (tensor.DType != DType.F32) return tensor;
        var values = tensor.ToFloatArray();
        var bits = new ushort[values.Length];
        for (int i = 0; i < bits.Length; i++) bits[i] = ScalarConversions.F32ToF16(values[i]);
        if (!widen) return Tensor.FromSpan<ushort>(bits, tensor.Shape, DType.F16);
        for (int i = 0; i < values.Length; i++) values[i] = ScalarConversions.F16ToF32(bits[i]);
        return Tensor.FromSpan<float>(values, tensor.Shape, DType.F32);
    }
}
