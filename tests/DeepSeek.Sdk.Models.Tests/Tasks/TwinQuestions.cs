using System.Globalization;
using System.Text.RegularExpressions;

namespace DeepSeek.Sdk.Models.Tests.Tasks;

/// <summary>Questions whose answer follows trivially from a question's own (its "twins"), built from the question text
/// alone, independently of <see cref="Sdk.Models.Tasks.HeldOutSplit.CanonicalKey"/> (tools/train/test_tasks.py
/// <c>twins</c> does the same in Python).</summary>
internal static partial class TwinQuestions
{
    private static readonly (string Big, string Small, int Factor)[] Units =
        [("km", "m", 1000), ("m", "cm", 100), ("cm", "mm", 10), ("m", "mm", 1000), ("kg", "g", 1000), ("g", "mg", 1000), ("L", "mL", 1000), ("h", "min", 60), ("min", "s", 60)];

    public static IEnumerable<string> Of(string question)
    {
        Match m;
        if ((m = Addition().Match(question)).Success)
        {
            long a = N(m, 1), b = N(m, 2), s = a + b;
            return [I($"What is {b} + {a}?"), I($"What is {s} - {a}?"), I($"What is {s} - {b}?"), I($"What is {a} - {s}?"), I($"What is {b} - {s}?")];
        }
        if ((m = Subtraction().Match(question)).Success)
        {
            long a = N(m, 1), b = N(m, 2), hi = Math.Max(a, b), lo = Math.Min(a, b), d = hi - lo;
            return [I($"What is {b} - {a}?"), I($"What is {lo} + {d}?"), I($"What is {d} + {lo}?"), I($"What is {hi} - {d}?"), I($"What is {d} - {hi}?")];
        }
        if ((m = Multiplication().Match(question)).Success)
            return [$"What is {m.Groups[2].Value} × {m.Groups[1].Value}?"];
        if ((m = Comparison().Match(question)).Success)
            return [$"Which is larger, {m.Groups[2].Value} or {m.Groups[1].Value}?"];
        if ((m = Sorting().Match(question)).Success)
        {
            string[] numbers = m.Groups[1].Value.Split(", ");
            var twins = new List<string>();
            var random = new Random(5);
            for (int k = 0; k < 6; k++)
            {
                random.Shuffle(numbers);
                twins.Add("Sort from smallest to largest: " + string.Join(", ", numbers));
            }
            twins.Add("Sort from smallest to largest: " + string.Join(", ", numbers.OrderByDescending(long.Parse)));
            return twins;
        }
        if ((m = Conversion().Match(question)).Success)
        {
            long v = N(m, 1);
            string from = m.Groups[2].Value, to = m.Groups[3].Value;
            var twins = new List<string>();
            foreach (var (big, small, factor) in Units)
            {
                long amount;
                if (from == big && to == small) amount = v * factor;
                else if (from == small && to == big) amount = v;
                else continue;
                // the same numbers in any units of the same factor, both directions
                foreach (var (big2, small2, factor2) in Units.Where(u => u.Factor == factor))
                {
                    twins.Add(I($"Convert {amount} {small2} to {big2}."));
                    if (amount % factor == 0) twins.Add(I($"Convert {amount / factor} {big2} to {small2}."));
                }
            }
            return twins;
        }
        return []; // letter counting: a word and a letter have no twin
    }

    private static long N(Match m, int group) => long.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    private static string I(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^What is (\d+) \+ (\d+)\?$")]
    private static partial Regex Addition();

    [GeneratedRegex(@"^What is (\d+) - (\d+)\?$")]
    private static partial Regex Subtraction();

    [GeneratedRegex(@"^What is (\d+) × (\d+)\?$")]
    private static partial Regex Multiplication();

    [GeneratedRegex(@"^Which is larger, (\d+) or (\d+)\?$")]
    private static partial Regex Comparison();

    [GeneratedRegex(@"^Sort from smallest to largest: (.*)$")]
    private static partial Regex Sorting();

    [GeneratedRegex(@"^Convert (\d+) (\w+) to (\w+)\.$")]
    private static partial Regex Conversion();
}
