using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Gpu.Tests;

/// <summary>Random inputs and the comparison every parity test uses: max |gpu - cpu| / max |cpu| (the project's
/// measure, <see cref="TensorComparison"/>), reported in the test output.</summary>
internal static class Parity
{
    public static float[] Random(int seed, long count, float scale = 1f)
    {
        var rng = new Random(seed);
        var values = new float[count];
        for (long i = 0; i < count; i++) values[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return values;
    }

    public static Tensor Host(float[] values, params int[] shape) => Tensor.FromSpan<float>(values, new Shape(shape), DType.F32);

    public static Tensor Host(int[] values, params int[] shape) => Tensor.FromSpan<int>(values, new Shape(shape), DType.I32);

    /// <summary>A host F32 tensor rounded to <paramref name="dtype"/> (BF16, F16 or FP8 bits), by the CPU's conversion.</summary>
    public static Tensor Stored(float[] values, DType dtype, params int[] shape)
    {
        var f32 = Host(values, shape);
        if (dtype == DType.F32) return f32;
        var stored = Tensor.Zeros(dtype, new Shape(shape));
        using var cpu = new Backends.Cpu.CpuBackend(1);
        cpu.Convert(f32, stored);
        return stored;
    }

    public static float[] ToHost(IBackend backend, Tensor device)
    {
        var host = Tensor.Zeros(device.DType, device.Shape);
        backend.CopyToHost(device, host);
        return host.ToFloatArray();
    }

    public static int[] ToHostInts(IBackend backend, Tensor device)
    {
        var host = Tensor.Zeros(DType.I32, device.Shape);
        backend.CopyToHost(device, host);
        return host.AsSpan<int>().ToArray();
    }

    /// <summary>Asserts max |actual - expected| / max |expected| at most <paramref name="tolerance"/>.</summary>
    public static double Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        var c = TensorComparison.Compare(actual, expected);
        Assert.True(c.ShapesMatch, $"{what}: {actual.Length} values, expected {expected.Length}");
        TestContext.Current.TestOutputHelper?.WriteLine($"{what}: max|diff| {c.MaxAbsDiff:E2}, relative {c.RelativeToMax:E2} (tolerance {tolerance:E1})");
        Assert.True(c.RelativeToMax <= tolerance,
            $"{what}: max|diff| / max|ref| = {c.RelativeToMax:E3} at index {c.WorstIndex} (gpu {actual[c.WorstIndex]}, cpu {expected[c.WorstIndex]}), tolerance {tolerance:E1}");
        return c.RelativeToMax;
    }
}
