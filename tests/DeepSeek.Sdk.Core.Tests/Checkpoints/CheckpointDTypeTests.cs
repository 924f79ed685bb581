using System.Diagnostics;
using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Core.Tests.Checkpoints;

/// <summary>A header's dtype labels checked when a model is validated, before any layer reads a byte: relabelled
/// tensors (BF16 bytes called F16 or I16) and dtypes no layer computes with are refused naming the file, the
/// tensor, its dtype and what would have been accepted; DeepSeek-V3's mixed release layout is not.</summary>
public class CheckpointDTypeTests
{
    private const string Victim = "model.layers.1.self_attn.o_proj.weight";

    [Theory]
    [MemberData(nameof(OracleFixtures.Cases), MemberType = typeof(OracleFixtures))]
    public void Every_fixture_passes_including_fp8_with_f32_scales_and_bf16_norms(string caseName)
    {
        using var checkpoint = Checkpoint.Open(OracleFixtures.Dir(caseName));
        var config = ModelConfig.Load(OracleFixtures.Dir(caseName));
        CheckpointDTypes.Validate(checkpoint, config);
    }

    [Fact]
    public void One_bf16_tensor_relabelled_f16_is_refused_as_a_mix_naming_it()
    {
        using var dir = new TempDirectory();
        FixtureRewrite.Write("deepseek_v3_bf16", dir.Path, (name, t) => [new(name, name == Victim ? FixtureRewrite.Relabel(t, DType.F16) : t)]);

        var e = Validate(dir.Path);

        Assert.Equal(Victim, e.TensorName);
        Assert.Equal(DType.F16, e.DType);
        Assert.Equal([DType.BF16, DType.F32], e.Accepted);
        Assert.Contains(dir.File("model.safetensors"), e.Message);
        Assert.Contains("mix F16 and BF16", e.Message);
    }

    [Fact]
    public void Every_bf16_tensor_relabelled_f16_is_refused_against_torch_dtype()
    {
        using var dir = new TempDirectory();
        FixtureRewrite.Write("deepseek_v3_bf16", dir.Path, (name, t) => [new(name, t.DType == DType.BF16 ? FixtureRewrite.Relabel(t, DType.F16) : t)]);

        var e = Validate(dir.Path);

        Assert.Equal(DType.F16, e.DType);
        Assert.Contains("torch_dtype bfloat16", e.Message);
        Assert.Contains(dir.File("config.json"), e.Message);
    }

    [Fact]
    public void An_f16_checkpoint_under_torch_dtype_float16_or_without_one_is_accepted()
    {
        using var dir = new TempDirectory();
        FixtureRewrite.Write("deepseek_v3_f32", dir.Path, ToF16, c => c["torch_dtype"] = "float16");
        Validate(dir.Path, expectError: false);
        FixtureRewrite.Write("deepseek_v3_f32", dir.Path, ToF16, c => c.Remove("torch_dtype"));
        Validate(dir.Path, expectError: false);
        // transformers 4.56 and later write "dtype".
        FixtureRewrite.Write("deepseek_v3_f32", dir.Path, ToF16, c => { c.Remove("torch_dtype"); c["dtype"] = "bfloat16"; });
        Assert.Contains("torch_dtype bfloat16", Validate(dir.Path).Message);
    }

    [Fact]
    public void A_bf16_tensor_relabelled_i16_is_refused_with_the_accepted_dtypes()
    {
        using var dir = new TempDirectory();
        FixtureRewrite.Write("deepseek_v3_bf16", dir.Path, (name, t) => [new(name, name == Victim ? FixtureRewrite.Relabel(t, DType.I16) : t)]);

        var e = Validate(dir.Path);

        Assert.Equal(Victim, e.TensorName);
        Assert.Equal(DType.I16, e.DType);
        Assert.Equal(CheckpointDTypes.Floating, e.Accepted);
        Assert.Contains("dtype I16 is not one a layer accepts (F32, BF16, F16)", e.Message);
    }

    [Theory]
    [InlineData("model.norm.weight", DType.I16)]
    [InlineData("model.embed_tokens.weight", DType.I16)]
    [InlineData("model.layers.1.mlp.gate.e_score_correction_bias", DType.I32)]
    [InlineData("model.layers.0.mlp.down_proj.weight", DType.I32)]
    public void Integer_labels_are_refused_wherever_they_are(string tensor, DType label)
    {
        using var dir = new TempDirectory();
        FixtureRewrite.Write("deepseek_v3_f32", dir.Path, (name, t) => [new(name, name == tensor ? FixtureRewrite.Relabel(t, label) : t)]);
        var e = Validate(dir.Path);
        Assert.Equal(tensor, e.TensorName);
        Assert.Equal(label, e.DType);
    }

    [Fact]
    public void An_f64_weight_is_refused()
    {
        using var dir = new TempDirectory();
        FixtureRewrite.Write("deepseek_v3_f32", dir.Path, (name, t) =>
            [new(name, name == Victim ? Tensor.FromSpan<double>(Array.ConvertAll(t.ToFloatArray(), v => (double)v), t.Shape, DType.F64) : t)]);
        var e = Validate(dir.Path);
        Assert.Equal(DType.F64, e.DType);
    }

    [Fact]
    public void Scales_that_are_not_f32_and_fp8_without_scales_are_refused()
    {
        const string weight = "model.layers.0.mlp.up_proj.weight";
        using var dir = new TempDirectory();
        FixtureRewrite.Write("deepseek_v3_fp8", dir.Path, (name, t) =>
            [new(name, name == weight + Checkpoint.ScaleSuffix ? FixtureRewrite.Relabel(t, DType.I32) : t)]);
        using (var relabelled = Checkpoint.Open(dir.Path))
        {
            // The config's layout names the scale's dtype too, so the full validator reports it as a mismatch first.
            var config = ModelConfig.Load(dir.Path);
            var mismatch = Assert.Throws<CheckpointMismatchException>(() => CheckpointValidator.Validate(config, relabelled));
            Assert.Equal(weight + Checkpoint.ScaleSuffix, mismatch.TensorName);
            var e = Assert.Throws<CheckpointDTypeException>(() => CheckpointDTypes.Validate(relabelled, config));
            Assert.Equal(weight + Checkpoint.ScaleSuffix, e.TensorName);
            Assert.Equal([DType.F32], e.Accepted);
        }

        using var checkpoint = Checkpoint.Open(OracleFixtures.Dir("deepseek_v3_fp8"));
        var missing = Assert.Throws<CheckpointDTypeException>(() => CheckpointDTypes.Validate(checkpoint, quantization: null, declaredDType: null, "config.json"));
        Assert.Contains("has no quantization_config", missing.Message);
        Assert.Equal(DType.F8E4M3, missing.DType);
    }

    [Fact]
    public void Layers_refuse_a_dtype_they_cannot_read_when_loading_without_the_validator()
    {
        using var dir = new TempDirectory();
        FixtureRewrite.Write("deepseek_v3_f32", dir.Path, (name, t) => [new(name, name == Victim ? FixtureRewrite.Relabel(t, DType.I32) : t)]);
        using var checkpoint = Checkpoint.Open(dir.Path);
        var e = Assert.Throws<CheckpointDTypeException>(() => checkpoint.GetWeight(Victim));
        Assert.Contains("not one a linear layer accepts (F32, BF16, F16, F8_E4M3)", e.Message);
        Assert.Throws<CheckpointDTypeException>(() => checkpoint.GetTensor(Victim, CheckpointDTypes.Floating, "a norm"));
    }

    [Fact]
    public void The_relabelling_probes_answer_within_two_seconds()
    {
        using var dir = new TempDirectory();
        FixtureRewrite.Write("deepseek_v3_bf16", dir.Path, (name, t) => [new(name, name == Victim ? FixtureRewrite.Relabel(t, DType.I16) : t)]);
        var clock = Stopwatch.StartNew();
        Validate(dir.Path);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"{clock.Elapsed}");
    }

    private static IEnumerable<KeyValuePair<string, Tensor>> ToF16(string name, Tensor t)
    {
        if (t.DType != DType.F32) return [new(name, t)];
        var values = t.ToFloatArray();
        var bits = new ushort[values.Length];
        for (int i = 0; i < bits.Length; i++) bits[i] = ScalarConversions.F32ToF16(values[i]);
        return [new(name, Tensor.FromSpan<ushort>(bits, t.Shape, DType.F16))];
    }

    private static CheckpointDTypeException Validate(string directory, bool expectError = true)
    {
        var config = ModelConfig.Load(directory);
        using var checkpoint = Checkpoint.Open(directory);
        if (!expectError)
        {
            CheckpointValidator.Validate(config, checkpoint);
            return null!;
        }
        return Assert.Throws<CheckpointDTypeException>(() => CheckpointValidator.Validate(config, checkpoint));
    }
}
