using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Vision.Tests.Backends;

/// <summary>Random inputs and element-wise comparisons against double-precision reference results.</summary>
internal static class KernelReference
{
    public static float[] Random(Random rng, int count, float range = 1f)
    {
        var v = new float[count];
        for (int i = 0; i < count; i++) v[i] = (float)((rng.NextDouble() * 2 - 1) * range);
        return v;
    }

    public static Tensor F32(float[] data, params int[] shape) => Tensor.FromSpan<float>(data, new Shape(shape), DType.F32);

    /// <summary>Asserts |actual − expected| ≤ relative · scale[i] + absolute, scale being <paramref name="magnitudes"/>[i]
    /// (e.g. Σ|x·w| of a dot product) or |expected[i]|.</summary>
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
