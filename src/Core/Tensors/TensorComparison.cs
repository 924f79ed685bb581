namespace DeepSeek.Sdk.Tensors;

/// <summary>How far computed values are from reference values. <see cref="RelativeToMax"/> is
/// max |actual − expected| / max |expected|, the measure the project's tolerances are stated in:
/// it does not blow up on reference values near zero, as an element-wise relative error would.</summary>
public readonly record struct TensorComparison(double MaxAbsDiff, double MaxAbsExpected, int WorstIndex, bool ShapesMatch)
{
    public double RelativeToMax => MaxAbsExpected == 0 ? MaxAbsDiff : MaxAbsDiff / MaxAbsExpected;

    public static TensorComparison Compare(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        if (actual.Length != expected.Length) return new TensorComparison(double.PositiveInfinity, 0, -1, false);
        double maxDiff = 0, maxRef = 0;
        int worst = -1;
        for (int i = 0; i < actual.Length; i++)
        {
            double d = Math.Abs((double)actual[i] - expected[i]);
            if (double.IsNaN(d)) d = double.PositiveInfinity;
            if (d > maxDiff || worst < 0) { maxDiff = d; worst = i; }
            maxRef = Math.Max(maxRef, Math.Abs((double)expected[i]));
        }
        return new TensorComparison(maxDiff, maxRef, worst, true);
    }
}
