using System.Globalization;

namespace DeepSeek.Sdk.Models.Tasks;

/// <summary>The worked arithmetic the traces are made of (tasks.py's <c>add_lines</c>, <c>sub_lines</c>,
/// <c>mul_digit_lines</c>, <c>mul_lines</c>): column by column from the units digit with an explicit carry or borrow,
/// and multiplication by partial products that are then added. Every line depends on the question and a few earlier
/// lines only, which is what lets a model of ~10M parameters learn the algorithm rather than the answers.</summary>
public static class ArithmeticTraces
{
    /// <summary>a + b: "a+b", one "x+y+c=s, carry k" line per column, then "a+b=sum".</summary>
    public static List<string> Addition(int a, int b)
    {
        var lines = new List<string> { Format($"{a}+{b}") };
        var da = Digits(a);
        var db = Digits(b);
        int carry = 0;
        for (int k = 0; k < Math.Max(da.Count, db.Count); k++)
        {
            int x = k < da.Count ? da[k] : 0;
            int y = k < db.Count ? db[k] : 0;
            int s = x + y + carry;
            lines.Add(Format($"{x}+{y}+{carry}={s}, carry {s / 10}"));
            carry = s / 10;
        }
        lines.Add(Format($"{a}+{b}={a + b}"));
        return lines;
    }

    /// <summary>a − b for a ≥ b ≥ 0, borrowing column by column ("1t-u-b=r, borrow 1" when the column borrows).</summary>
    public static List<string> Subtraction(int a, int b)
    {
        if (b < 0 || a < b) throw new ArgumentOutOfRangeException(nameof(b), b, $"Subtraction traces need a ≥ b ≥ 0 (a = {a}).");
        var lines = new List<string> { Format($"{a}-{b}") };
        var da = Digits(a);
        var db = Digits(b);
        int borrow = 0;
        for (int k = 0; k < da.Count; k++)
        {
            int t = da[k];
            int u = k < db.Count ? db[k] : 0;
            if (t - u - borrow < 0)
            {
                lines.Add(Format($"1{t}-{u}-{borrow}={10 + t - u - borrow}, borrow 1"));
                borrow = 1;
            }
            else
            {
                lines.Add(Format($"{t}-{u}-{borrow}={t - u - borrow}, borrow 0"));
                borrow = 0;
            }
        }
        lines.Add(Format($"{a}-{b}={a - b}"));
        return lines;
    }

    /// <summary>a × d for one digit d: "a×d", then one "x×d+c=p, carry k" line per digit of a, units first.</summary>
    public static List<string> MultiplicationByDigit(int a, int d)
    {
        var lines = new List<string> { Format($"{a}×{d}") };
        int carry = 0;
        foreach (int x in Digits(a))
        {
            int p = x * d + carry;
            lines.Add(Format($"{x}×{d}+{carry}={p}, carry {p / 10}"));
            carry = p / 10;
        }
        return lines;
    }

    /// <summary>a × b: one line for two single digits; otherwise a × (each digit of b) with the partial product
    /// shifted into place, the partials added with <see cref="Addition"/>, and "a×b=product".</summary>
    public static List<string> Multiplication(int a, int b)
    {
        if (a < 10 && b < 10) return [Format($"{a}×{b}={a * b}")];
        var lines = new List<string> { Format($"{a}×{b}") };
        var partials = new List<int>();
        var db = Digits(b);
        int scale = 1;
        for (int j = 0; j < db.Count; j++, scale *= 10)
        {
            int d = db[j];
            lines.AddRange(MultiplicationByDigit(a, d));
            int p = a * d;
            lines.Add(j == 0 ? Format($"{a}×{d}={p}") : Format($"{a}×{d}={p}, shifted {p * scale}"));
            partials.Add(p * scale);
        }
        int total = partials[0];
        for (int i = 1; i < partials.Count; i++)
        {
            lines.AddRange(Addition(total, partials[i]));
            total += partials[i];
        }
        lines.Add(Format($"{a}×{b}={a * b}"));
        return lines;
    }

    /// <summary>Decimal digits of a non-negative integer, units first.</summary>
    internal static List<int> Digits(int n)
    {
        string text = n.ToString(CultureInfo.InvariantCulture);
        var digits = new List<int>(text.Length);
        for (int i = text.Length - 1; i >= 0; i--) digits.Add(text[i] - '0');
        return digits;
    }

    internal static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
