using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;

namespace DeepSeek.Sdk.Models.Tasks;

/// <summary>The split between training and evaluation problems (tools/train/tasks.py, <c>canonical_key</c> and
/// <c>is_held_out</c>). The split is by problem, not by question text: <see cref="CanonicalKey"/> names the problem a
/// question poses, the same for every "twin" whose answer follows trivially from another's — the operand order of
/// + and ×, the order of a list to sort or a pair to compare, a − b against b − a and against the sums that give it
/// (one addition fact a + d = s answers a + d, d + a, s − a, s − d, a − s and d − s), a conversion against its inverse
/// and against the same numbers in other units of the same factor. A problem is held out, never trained on and the
/// only kind evaluated, when the CRC-32 of its key's UTF-8 bytes is divisible by <see cref="Modulus"/>. (Splitting
/// by question text, as before 2026-12-06, let 458 of 500 held-out 2-digit products have their swapped twin trained.)
/// </summary>
public static partial class HeldOutSplit
{
    /// <summary>tasks.HELD_OUT_MOD: one problem in 16 is held out.</summary>
    public const int Modulus = 16;

    private static readonly uint[] Table = BuildTable();

    /// <summary>Whether the problem <paramref name="question"/> poses is held out (crc32(<see cref="CanonicalKey"/>) mod 16 = 0).</summary>
    /// <exception cref="ArgumentException">The question is none of the seven task forms.</exception>
    public static bool IsHeldOut(string question) => Crc32(Encoding.UTF8.GetBytes(CanonicalKey(question))) % Modulus == 0;

    /// <summary>The problem a question poses (tasks.canonical_key), written as tasks.py writes it: "sum:x+y" for addition
    /// and subtraction (x ≤ y, the addition fact behind it), "product:x×y" (x ≤ y), "compare:x,y" (x ≤ y), "sort:" and
    /// the numbers in ascending order, "count:letter:word", "convert:factor:amount in the small unit".</summary>
    /// <exception cref="ArgumentException">The question is none of the seven task forms.</exception>
    public static string CanonicalKey(string question)
    {
        ArgumentNullException.ThrowIfNull(question);
        Match m;
        if ((m = AdditionForm().Match(question)).Success)
        {
            var (a, b) = Ordered(m);
            return Invariant($"sum:{a}+{b}");
        }
        if ((m = SubtractionForm().Match(question)).Success)
        {
            var (a, b) = Ordered(m);
            var (x, y) = a <= b - a ? (a, b - a) : (b - a, a); // b − a = d is the fact a + d = b
            return Invariant($"sum:{x}+{y}");
        }
        if ((m = MultiplicationForm().Match(question)).Success)
        {
            var (a, b) = Ordered(m);
            return Invariant($"product:{a}×{b}");
        }
        if ((m = ComparisonForm().Match(question)).Success)
        {
            var (a, b) = Ordered(m);
            return Invariant($"compare:{a},{b}");
        }
        if ((m = SortingForm().Match(question)).Success)
        {
            var numbers = m.Groups[1].Value.Split(", ").Select(Number).Order().Select(n => n.ToString(CultureInfo.InvariantCulture));
            return "sort:" + string.Join(',', numbers);
        }
        if ((m = CountingForm().Match(question)).Success)
            return $"count:{m.Groups[1].Value}:{m.Groups[2].Value}";
        if ((m = ConversionForm().Match(question)).Success && Conversion(m.Groups[2].Value, m.Groups[3].Value) is var (factor, fromBig))
        {
            BigInteger v = Number(m.Groups[1].Value);
            return Invariant($"convert:{factor}:{(fromBig ? v * factor : v)}");
        }
        throw new ArgumentException($"Not a question of the tasks (tools/train/tasks.py): '{question}'.", nameof(question));
    }

    /// <summary>CRC-32 as Python's <c>zlib.crc32</c> computes it (IEEE 802.3: reflected polynomial 0xEDB88320,
    /// initial value and final xor 0xFFFFFFFF).</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    /// <summary>The unit pair's factor and whether the conversion goes from the large unit to the small one, or null
    /// for a pair the convert task does not have.</summary>
    private static (int Factor, bool FromBig)? Conversion(string from, string to)
    {
        foreach (var (big, small, factor) in SyntheticTasks.Metric.Concat(SyntheticTasks.Time))
        {
            if (from == big && to == small) return (factor, true);
            if (from == small && to == big) return (factor, false);
        }
        return null;
    }

    // Numbers of any length, as Python's int does; the generator's are small, a hand-written question need not be.
    private static BigInteger Number(string digits) => BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);

    private static (BigInteger Low, BigInteger High) Ordered(Match m)
    {
        BigInteger a = Number(m.Groups[1].Value), b = Number(m.Groups[2].Value);
        return a <= b ? (a, b) : (b, a);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    // The question forms of tasks._QUESTION_FORMS, matched whole (Python's fullmatch: \z, not $) and ASCII digits only.
    [GeneratedRegex(@"^What is ([0-9]+) \+ ([0-9]+)\?\z", RegexOptions.CultureInvariant)]
    private static partial Regex AdditionForm();

    [GeneratedRegex(@"^What is ([0-9]+) - ([0-9]+)\?\z", RegexOptions.CultureInvariant)]
    private static partial Regex SubtractionForm();

    [GeneratedRegex(@"^What is ([0-9]+) × ([0-9]+)\?\z", RegexOptions.CultureInvariant)]
    private static partial Regex MultiplicationForm();

    [GeneratedRegex(@"^Which is larger, ([0-9]+) or ([0-9]+)\?\z", RegexOptions.CultureInvariant)]
    private static partial Regex ComparisonForm();

    [GeneratedRegex(@"^Sort from smallest to largest: ([0-9]+(?:, [0-9]+)*)\z", RegexOptions.CultureInvariant)]
    private static partial Regex SortingForm();

    [GeneratedRegex(@"^How many times does the letter ([a-z]) appear in ([a-z]+)\?\z", RegexOptions.CultureInvariant)]
    private static partial Regex CountingForm();

    [GeneratedRegex(@"^Convert ([0-9]+) ([A-Za-z]+) to ([A-Za-z]+)\.\z", RegexOptions.CultureInvariant)]
    private static partial Regex ConversionForm();

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
