namespace DeepSeek.Sdk.Models.Tasks;

/// <summary>The evaluation suites of tools/train/tasks.py (EVAL_SUITES), in its order, with short aliases for the
/// command line.</summary>
public static class EvaluationSuites
{
    public static EvaluationSuite Addition3Digit { get; } = new("add_3digit", "add", new OperandShape(3, 3), "3-digit + 3-digit addition");

    public static EvaluationSuite Subtraction3Digit { get; } = new("sub_3digit", "sub", new OperandShape(3, 3), "3-digit − 3-digit subtraction");

    public static EvaluationSuite Multiplication2x2 { get; } = new("mul_2x2", "mul", new OperandShape(2, 2), "2-digit × 2-digit multiplication");

    public static EvaluationSuite Comparison { get; } = new("compare", "compare", null, "comparison of numbers up to 5 digits");

    public static EvaluationSuite Sorting { get; } = new("sort", "sort", null, "sorting 3–6 numbers");

    public static EvaluationSuite LetterCounting { get; } = new("count", "count", null, "letter counting");

    public static EvaluationSuite UnitConversion { get; } = new("convert", "convert", null, "unit conversion");

    public static IReadOnlyList<EvaluationSuite> All { get; } =
        [Addition3Digit, Subtraction3Digit, Multiplication2x2, Comparison, Sorting, LetterCounting, UnitConversion];

    /// <summary>A suite by its name (add_3digit, ...) or alias (add3, sub3, mul2x2), ignoring case.</summary>
    /// <exception cref="ArgumentException">No suite has that name; the message lists them.</exception>
    public static EvaluationSuite Find(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        string key = name.Trim().ToLowerInvariant() switch
        {
            "add3" => "add_3digit",
            "sub3" => "sub_3digit",
            "mul2x2" => "mul_2x2",
            var other => other,
        };
        foreach (var suite in All)
            if (suite.Name == key) return suite;
        throw new ArgumentException($"Unknown evaluation suite '{name}'; the suites are {string.Join(", ", Names())} (aliases add3, sub3, mul2x2).", nameof(name));
    }

    private static IEnumerable<string> Names()
    {
        foreach (var suite in All) yield return suite.Name;
    }
}
