namespace DeepSeek.Sdk.Vision.Tests.Janus;

internal static class Comparison
{
    /// <summary>The fixtures' F32 tolerance: max |actual − expected| / max |expected| ≤ 1e-4 (F32 compute against the
    /// float64 reference; the bar for every Janus tensor but pixel_values).</summary>
    public const double F32Relative = 1e-4;

    public static double RelativeToMax(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs((double)actual[i] - expected[i]);
            maxDiff = Math.Max(maxDiff, double.IsNaN(d) ? double.PositiveInfinity : d);
            maxRef = Math.Max(maxRef, Math.Abs((double)expected[i]));
        }
        return maxDiff / maxRef;
    }

    public static void Within(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double relative, string what)
    {
        double error = RelativeToMax(actual, expected);
        Assert.True(error <= relative, $"{what}: relative error {error:E3} exceeds {relative:E0}.");
    }
}
