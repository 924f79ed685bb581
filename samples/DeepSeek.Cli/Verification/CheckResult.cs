namespace DeepSeek.Cli.Verification;

/// <summary>One check of a verification case: a tensor compared within a tolerance, or an exact
/// comparison (ids, strings) reported as matched/total.</summary>
public sealed record CheckResult(string Name, bool Passed, string Measure, string Tolerance, string? Detail = null)
{
    public static CheckResult ForTensor(string name, DeepSeek.Sdk.Tensors.TensorComparison c, double relativeTolerance)
    {
        bool passed = c.ShapesMatch && c.RelativeToMax <= relativeTolerance;
        string measure = c.ShapesMatch ? $"max|Δ| {c.MaxAbsDiff:E2}, rel {c.RelativeToMax:E2}" : "shape mismatch";
        return new CheckResult(name, passed, measure, $"rel ≤ {relativeTolerance:E0}");
    }

    public static CheckResult ForAbsolute(string name, DeepSeek.Sdk.Tensors.TensorComparison c, double absoluteTolerance)
    {
        bool passed = c.ShapesMatch && c.MaxAbsDiff <= absoluteTolerance;
        string measure = c.ShapesMatch ? $"max|Δ| {c.MaxAbsDiff:E2}, rel {c.RelativeToMax:E2}" : "shape mismatch";
        return new CheckResult(name, passed, measure, $"abs ≤ {absoluteTolerance:E0}");
    }

    public static CheckResult ForExact(string name, int matched, int total, string? firstMismatch = null) =>
        new(name, matched == total, $"{matched}/{total} exact", "100%", matched == total ? null : firstMismatch);
}
