// Shared by every test project (compiled into each through tests/Directory.Build.props).
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Tests;

/// <summary>Random inputs and double-precision comparisons shared by the kernel tests.</summary>
internal static class KernelReference
{
    public static float[] Random(Random rng, int count, float range = 1f)
    {
        var v = new float[count];
        for (int i = 0; i < count; i++) v[i] = (float)((rng.NextDouble() * 2 - 1) * range);
        return v;
    }

    public static Tensor F32(float[] data, params int[] shape) => Tensor.FromSpan<float>(data, new Shape(shape), DType.F32);

    /// <summary>Asserts |actual - expected| <= relative · scale + absolute for every element, where scale is
    /// <paramref name="magnitudes"/>[i] when given (e.g. Σ|x·w| for a dot product) or |expected[i]|.</summary>
    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double relative, double absolute = 0, ReadOnlySpan<double> magnitudes = default)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double scale = magnitudes.IsEmpty ? Math.Abs(expected[i]) : magnitudes[i];
            double error = Math.Abs(actual[i] - expected[i]);
            if (!(error <= relative * scale + absolute))
                Assert.Fail($"Element {i}: expected {expected[i]:R}, got {actual[i]:R} (error {error:E3}, allowed {relative * scale + absolute:E3}).");
        }
    }
}
