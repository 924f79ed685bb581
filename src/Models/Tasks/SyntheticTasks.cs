using System.Globalization;
using System.Text;
using static DeepSeek.Sdk.Models.Tasks.ArithmeticTraces;

namespace DeepSeek.Sdk.Models.Tasks;

/// <summary>
/// The task generator of tools/train/tasks.py, ported draw for draw: given a <see cref="PythonRandom"/> in the same
/// state, each maker consumes the same random numbers in the same order and returns the same question, trace and
/// answer as its Python namesake (make_add, make_sub, ...). That is what lets the SDK evaluate the shipped models on
/// exactly the problems the training run evaluated, and on fresh ones from the same distribution.
/// </summary>
public static class SyntheticTasks
{
    /// <summary>tasks.TASKS, in its order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["add", "sub", "mul", "compare", "sort", "count", "convert"];

    private static readonly int[] OperandDigits = [1, 2, 3, 3, 4];

    /// <summary>tasks.MUL_SHAPES: 2 × 2 weighted four times, 3 × 2 twice.</summary>
    private static readonly OperandShape[] MultiplicationShapes =
        [new(1, 1), new(2, 1), new(1, 2), new(2, 2), new(2, 2), new(2, 2), new(2, 2), new(3, 1), new(3, 2), new(3, 2)];

    private const string Letters = "abcdefghijklmnopqrstuvwxyz";
    private const string DecimalDigits = "0123456789";

    /// <summary>Metric conversions (tasks.METRIC): large unit, small unit, factor (a power of ten).</summary>
    internal static readonly (string Big, string Small, int Factor)[] Metric =
        [("km", "m", 1000), ("m", "cm", 100), ("cm", "mm", 10), ("m", "mm", 1000), ("kg", "g", 1000), ("g", "mg", 1000), ("L", "mL", 1000)];

    /// <summary>Time conversions (tasks.TIME), by 60.</summary>
    internal static readonly (string Big, string Small, int Factor)[] Time = [("h", "min", 60), ("min", "s", 60)];

    /// <summary>One problem of <paramref name="task"/> (tasks.MAKERS[task](rng, shape)); <paramref name="shape"/> fixes the
    /// operands' digits of add, sub and mul and is ignored by the other tasks, as in Python.</summary>
    public static SyntheticProblem Make(string task, PythonRandom random, OperandShape? shape = null) => task switch
    {
        "add" => Addition(random, shape),
        "sub" => Subtraction(random, shape),
        "mul" => Multiplication(random, shape),
        "compare" => Comparison(random),
        "sort" => Sorting(random),
        "count" => LetterCounting(random),
        "convert" => UnitConversion(random),
        _ => throw new ArgumentException($"Unknown task '{task}'; the tasks are {string.Join(", ", Names)}.", nameof(task)),
    };

    /// <summary>make_add: "What is a + b?", answered column by column.</summary>
    public static SyntheticProblem Addition(PythonRandom random, OperandShape? shape = null)
    {
        ArgumentNullException.ThrowIfNull(random);
        var (la, lb) = shape ?? new OperandShape(random.Choice(OperandDigits), random.Choice(OperandDigits));
        int a = Number(random, la), b = Number(random, lb);
        return new("add", Format($"What is {a} + {b}?"), Join(ArithmeticTraces.Addition(a, b)), Text(a + b));
    }

    /// <summary>make_sub: "What is a - b?"; a negative difference is worked as −(b − a).</summary>
    public static SyntheticProblem Subtraction(PythonRandom random, OperandShape? shape = null)
    {
        ArgumentNullException.ThrowIfNull(random);
        var (la, lb) = shape ?? new OperandShape(random.Choice(OperandDigits), random.Choice(OperandDigits));
        int a = Number(random, la), b = Number(random, lb);
        List<string> lines;
        if (a >= b)
        {
            lines = ArithmeticTraces.Subtraction(a, b);
        }
        else
        {
            lines = [Format($"{a}-{b}"), Format($"{a}<{b}, so {a}-{b}=-({b}-{a})")];
            lines.AddRange(ArithmeticTraces.Subtraction(b, a));
            lines.Add(Format($"{a}-{b}={a - b}"));
        }
        return new("sub", Format($"What is {a} - {b}?"), Join(lines), Text(a - b));
    }

    /// <summary>make_mul: "What is a × b?" by partial products.</summary>
    public static SyntheticProblem Multiplication(PythonRandom random, OperandShape? shape = null)
    {
        ArgumentNullException.ThrowIfNull(random);
        var (la, lb) = shape ?? random.Choice(MultiplicationShapes);
        int a = Number(random, la), b = Number(random, lb);
        return new("mul", Format($"What is {a} × {b}?"), Join(ArithmeticTraces.Multiplication(a, b)), Text(a * b));
    }

    /// <summary>make_compare: "Which is larger, a or b?" for numbers up to 5 digits; 60% of same-length draws share a
    /// prefix and are decided at the first differing digit.</summary>
    public static SyntheticProblem Comparison(PythonRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        int la = random.RandInt(1, 5);
        int a = Number(random, la);
        int b;
        // Python evaluates random() before the length test, so the draw happens either way.
        if (random.NextDouble() < 0.6 && la > 1)
        {
            char[] s = Text(a).ToCharArray();
            int k = random.RandInt(0, la - 1);
            var choices = new List<char>(9);
            foreach (char c in DecimalDigits)
                if (c != s[k] && !(k == 0 && c == '0')) choices.Add(c);
            s[k] = random.Choice(choices);
            for (int i = k + 1; i < la; i++) s[i] = random.Choice(DecimalDigits);
            b = int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
        }
        else
        {
            b = Number(random, random.RandInt(1, 5));
        }
        if (a == b) b = a + 1;
        string sa = Text(a), sb = Text(b);
        var lines = new List<string> { Format($"{a} has {Plural(sa.Length, "digit")}, {b} has {Plural(sb.Length, "digit")}") };
        if (sa.Length != sb.Length)
        {
            lines.Add(Format($"{(sa.Length > sb.Length ? a : b)} has more digits"));
        }
        else
        {
            var steps = new List<string>();
            for (int i = 0; i < sa.Length; i++)
            {
                char x = sa[i], y = sb[i];
                if (x == y)
                {
                    steps.Add($"{x}={y}");
                }
                else
                {
                    steps.Add(x > y ? $"{x}>{y}" : $"{x}<{y}");
                    break;
                }
            }
            lines.Add(string.Join(", ", steps));
        }
        lines.Add(a > b ? Format($"{a}>{b}") : Format($"{a}<{b}"));
        return new("compare", Format($"Which is larger, {a} or {b}?"), Join(lines), Text(Math.Max(a, b)));
    }

    /// <summary>make_sort: 3–6 distinct numbers below 100, sorted by repeatedly taking the smallest.</summary>
    public static SyntheticProblem Sorting(PythonRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        int n = random.RandInt(3, 6);
        int[] numbers = random.SampleRange(100, n);
        string listed = List(numbers);
        var lines = new List<string> { listed };
        var remaining = new List<int>(numbers);
        var ordered = new List<int>(n);
        while (remaining.Count > 1)
        {
            int m = remaining.Min();
            remaining.Remove(m); // the first occurrence, as list.remove; the numbers are distinct anyway
            ordered.Add(m);
            lines.Add($"smallest is {Text(m)}, left {List(remaining)}");
        }
        ordered.Add(remaining[0]);
        string answer = List(ordered);
        lines.Add(answer);
        return new("sort", $"Sort from smallest to largest: {listed}", Join(lines), answer);
    }

    /// <summary>make_count: how often a letter occurs in one of <see cref="CountingWords"/>, with a running count per
    /// letter; half the time the letter is one of the word's, otherwise any letter (often absent: 0).</summary>
    public static SyntheticProblem LetterCounting(PythonRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        string word = random.Choice(CountingWords.All);
        char letter = random.NextDouble() < 0.5 ? random.Choice(word) : random.Choice(Letters);
        var lines = new List<string> { word };
        int n = 0;
        foreach (char ch in word)
        {
            if (ch == letter) n++;
            lines.Add($"{ch} {Text(n)}");
        }
        lines.Add($"count {Text(n)}");
        return new("count", $"How many times does the letter {letter} appear in {word}?", Join(lines), Text(n));
    }

    /// <summary>make_convert: hours to minutes or minutes to seconds (30%: × 60 worked as × 6 and a zero), otherwise a
    /// metric conversion by a power of ten, large to small (append zeros) or small to large (move the point).</summary>
    public static SyntheticProblem UnitConversion(PythonRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (random.NextDouble() < 0.3)
        {
            var (timeBig, timeSmall, timeFactor) = random.Choice(Time);
            int minutes = random.RandInt(1, 99);
            var lines = new List<string> { Format($"1 {timeBig} = {timeFactor} {timeSmall}"), Format($"{minutes}×60 is {minutes}×6 with 1 zero appended") };
            lines.AddRange(MultiplicationByDigit(minutes, 6));
            lines.Add(Format($"{minutes}×6={minutes * 6}"));
            lines.Add(Text(minutes * 60));
            return new("convert", Format($"Convert {minutes} {timeBig} to {timeSmall}."), Join(lines), Format($"{minutes * 60} {timeSmall}"));
        }
        var (big, small, factor) = random.Choice(Metric);
        int zeros = Text(factor).Length - 1;
        if (random.NextDouble() < 0.5)
        {
            int v = Number(random, random.RandInt(1, 3));
            if (v == 0) v = 1;
            string[] up = [Format($"1 {big} = {factor} {small}"), Format($"{v}×{factor}: append {Plural(zeros, "zero")}"), Text(v * factor)];
            return new("convert", Format($"Convert {v} {big} to {small}."), Join(up), Format($"{v * factor} {small}"));
        }
        int value = Number(random, random.RandInt(1, 4));
        if (value == 0) value = 1;
        string result = Quotient(value, factor);
        string[] down = [Format($"1 {big} = {factor} {small}"), Format($"{value}÷{factor}: move the point {Plural(zeros, "place")} left"), result];
        return new("convert", Format($"Convert {value} {small} to {big}."), Join(down), $"{result} {big}");
    }

    /// <summary>_number: a random number of <paramref name="digits"/> digits (0–9 for one digit, no leading zero otherwise).</summary>
    private static int Number(PythonRandom random, int digits)
    {
        if (digits is < 1 or > 9) throw new ArgumentOutOfRangeException(nameof(digits), digits, "Operands have 1 to 9 digits.");
        if (digits == 1) return random.RandInt(0, 9);
        int low = (int)Math.Pow(10, digits - 1);
        return random.RandInt(low, low * 10 - 1);
    }

    /// <summary>value / factor for a power-of-ten factor, written as Python's <c>format(Decimal(v) / Decimal(f)).normalize(), "f")</c>:
    /// exact, without trailing zeros or a trailing point.</summary>
    private static string Quotient(int value, int factor)
    {
        int whole = value / factor, rest = value % factor;
        if (rest == 0) return Text(whole);
        int places = Text(factor).Length - 1;
        string fraction = Text(rest).PadLeft(places, '0').TrimEnd('0');
        return $"{Text(whole)}.{fraction}";
    }

    private static string Plural(int n, string word) => n == 1 ? $"{Text(n)} {word}" : $"{Text(n)} {word}s";

    private static string List(IReadOnlyList<int> numbers)
    {
        var text = new StringBuilder();
        for (int i = 0; i < numbers.Count; i++)
        {
            if (i > 0) text.Append(", ");
            text.Append(Text(numbers[i]));
        }
        return text.ToString();
    }

    private static string Join(IEnumerable<string> lines) => string.Join('\n', lines);

    private static string Text(int n) => n.ToString(CultureInfo.InvariantCulture);
}
