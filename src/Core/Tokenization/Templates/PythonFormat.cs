using System.Globalization;
using System.Text;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// Python's <c>str()</c> and <c>repr()</c> of template values, which is what Jinja prints:
/// <c>None</c>, <c>True</c>, <c>1.0</c>, <c>['a', 1]</c>, <c>{'k': None}</c>, <c>(1, 2)</c>.
/// </summary>
internal static class PythonFormat
{
    // Values quoted in error messages are cut to this many characters (and this depth), so that an
    // error about a huge or self-containing value is still one short line.
    private const int DescribeLength = 120;
    private const int DescribeDepth = 8;

    /// <summary>str(value), within the render's string and nesting limits.</summary>
    public static string Str(object? value, RenderBudget budget) => value switch
    {
        string s => s,
        Undefined => "",
        _ => Repr(value, budget),
    };

    /// <summary>repr(value), within the render's string and nesting limits.</summary>
    public static string Repr(object? value, RenderBudget budget)
    {
        var writer = new ReprWriter(budget, budget.Limits.MaxOutputLength, budget.Limits.MaxNestingDepth);
        writer.Write(value, 0);
        return writer.ToString();
    }

    /// <summary>repr(value) for an error message: cut short with "..." when long or deep, never failing.</summary>
    public static string Describe(object? value)
    {
        var writer = new ReprWriter(null, DescribeLength, DescribeDepth);
        writer.Write(value, 0);
        return writer.ToString();
    }

    public static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        bool => "bool",
        long or int => "int",
        double => "float",
        string => "str",
        TemplateTuple => "tuple",
        TemplateRange => "range",
        IReadOnlyList<object?> => "list",
        IReadOnlyDictionary<string, object?> => "dict",
        TemplateNamespace => "Namespace",
        LoopContext => "LoopContext",
        Undefined => "Undefined",
        _ => value.GetType().Name,
    };

    /// <summary>
    /// Builds a repr piece by piece, checking each piece against the length limit before appending it. With a
    /// budget, exceeding a limit is a limit breach; without one (error messages), the text is cut with "...".
    /// </summary>
    private sealed class ReprWriter(RenderBudget? budget, int maxLength, int maxDepth)
    {
        private readonly StringBuilder _sb = new();

        /// <summary>Set once a message's text was cut: nothing more is written.</summary>
        private bool _full;

        public override string ToString() => _sb.ToString();

        public void Write(object? value, int depth)
        {
            if (_full)
            {
                return;
            }
            switch (value)
            {
                case null: Append("None"); break;
                case bool b: Append(b ? "True" : "False"); break;
                case long l: Append(l.ToString(CultureInfo.InvariantCulture)); break;
                case double d: Append(FormatFloat(d)); break;
                case string s: AppendString(s); break;
                case Undefined: break;
                case TemplateRange r:
                    Append(r.Step == 1
                        ? string.Create(CultureInfo.InvariantCulture, $"range({r.Start}, {r.Stop})")
                        : string.Create(CultureInfo.InvariantCulture, $"range({r.Start}, {r.Stop}, {r.Step})"));
                    break;
                case TemplateTuple t:
                    if (Enter(depth))
                    {
                        Append("(");
                        WriteItems(t, depth);
                        Append(t.Count == 1 ? ",)" : ")");
                    }
                    break;
                case IReadOnlyList<object?> list:
                    if (Enter(depth))
                    {
                        Append("[");
                        WriteItems(list, depth);
                        Append("]");
                    }
                    break;
                case IReadOnlyDictionary<string, object?> dict:
                    if (Enter(depth))
                    {
                        WriteDict(dict, depth);
                    }
                    break;
                case TemplateNamespace ns:
                    if (Enter(depth))
                    {
                        Append("<Namespace ");
                        WriteDict(ns.Attributes, depth);
                        Append(">");
                    }
                    break;
                default:
                    Append("<" + TypeName(value) + ">");
                    break;
            }
        }

        private bool Enter(int depth)
        {
            if (budget is not null)
            {
                budget.CheckValueDepth(depth + 1);
                return true;
            }
            if (depth + 1 > maxDepth)
            {
                Append("...");
                return false;
            }
            return true;
        }

        private void WriteItems(IReadOnlyList<object?> items, int depth)
        {
            for (int i = 0; i < items.Count && !_full; i++)
            {
                if (i > 0)
                {
                    Append(", ");
                }
                Write(items[i], depth + 1);
            }
        }

        private void WriteDict(IEnumerable<KeyValuePair<string, object?>> dict, int depth)
        {
            Append("{");
            bool first = true;
            foreach (var (key, item) in dict)
            {
                if (_full)
                {
                    return;
                }
                if (!first)
                {
                    Append(", ");
                }
                first = false;
                AppendString(key);
                Append(": ");
                Write(item, depth + 1);
            }
            Append("}");
        }

        private void Append(string piece)
        {
            if (_full)
            {
                return;
            }
            if ((long)_sb.Length + piece.Length <= maxLength)
            {
                _sb.Append(piece);
                return;
            }
            budget?.CheckString((long)_sb.Length + piece.Length, "repr()");
            _sb.Append(piece, 0, maxLength - _sb.Length);
            Cut();
        }

        private void AppendString(string s)
        {
            if (_full || AppendStringRepr(_sb, s, maxLength))
            {
                return;
            }
            budget?.CheckString(_sb.Length, "repr()");
            _sb.Length = maxLength;
            Cut();
        }

        private void Cut()
        {
            _sb.Append("...");
            _full = true;
        }
    }

    // CPython unicode_repr: single quotes unless the text has ' and no ", backslash escapes for
    // the quote, backslash, \t \n \r and other non-printable characters; printable non-ASCII as is.
    // Stops, returning false, once the builder holds more than maxLength characters.
    private static bool AppendStringRepr(StringBuilder sb, string s, int maxLength)
    {
        char quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        sb.Append(quote);
        foreach (Rune r in s.EnumerateRunes())
        {
            if (sb.Length > maxLength)
            {
                return false;
            }
            int c = r.Value;
            if (c == quote || c == '\\')
            {
                sb.Append('\\').Append((char)c);
            }
            else if (c == '\t') { sb.Append("\\t"); }
            else if (c == '\n') { sb.Append("\\n"); }
            else if (c == '\r') { sb.Append("\\r"); }
            else if (c < 0x20 || c == 0x7f) { sb.Append("\\x").Append(c.ToString("x2", CultureInfo.InvariantCulture)); }
            else if (c >= 0x80 && !IsPrintable(r))
            {
                sb.Append(c <= 0xff ? "\\x" + c.ToString("x2", CultureInfo.InvariantCulture)
                    : c <= 0xffff ? "\\u" + c.ToString("x4", CultureInfo.InvariantCulture)
                    : "\\U" + c.ToString("x8", CultureInfo.InvariantCulture));
            }
            else if (r.IsBmp)
            {
                sb.Append((char)c);
            }
            else
            {
                sb.Append((char)(0xD800 + ((c - 0x10000) >> 10))).Append((char)(0xDC00 + ((c - 0x10000) & 0x3FF)));
            }
        }
        sb.Append(quote);
        return sb.Length <= maxLength;
    }

    private static bool IsPrintable(Rune r)
    {
        var category = Rune.GetUnicodeCategory(r);
        return category switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => false,
            UnicodeCategory.SpaceSeparator => r.Value == ' ',
            _ => true,
        };
    }

    /// <summary>
    /// CPython float repr: the shortest digits that round-trip, positional when the decimal
    /// exponent is in [-4, 16), otherwise scientific with at least two exponent digits
    /// (<c>1e+16</c>, <c>1e-05</c>), and always a <c>.0</c> on whole numbers.
    /// </summary>
    public static string FormatFloat(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }
        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0)
        {
            return double.IsNegative(d) ? "-0.0" : "0.0";
        }
        // .NET's "R" is also the shortest round-trip form; only its layout differs from Python's.
        string r = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        int exponent = 0;
        int e = r.IndexOf('E', StringComparison.Ordinal);
        if (e >= 0)
        {
            exponent = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }
        int dot = r.IndexOf('.', StringComparison.Ordinal);
        string intPart = dot < 0 ? r : r[..dot];
        string digits = dot < 0 ? r : intPart + r[(dot + 1)..];
        int point = intPart.Length + exponent;
        int lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
        }
        digits = digits[lead..].TrimEnd('0');
        point -= lead;
        var sb = new StringBuilder();
        if (d < 0)
        {
            sb.Append('-');
        }
        if (point < -3 || point > 16)
        {
            sb.Append(digits[0]);
            if (digits.Length > 1)
            {
                sb.Append('.').Append(digits, 1, digits.Length - 1);
            }
            int exp10 = point - 1;
            sb.Append(exp10 < 0 ? "e-" : "e+").Append(Math.Abs(exp10).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (point <= 0)
        {
            sb.Append("0.").Append('0', -point).Append(digits);
        }
        else if (point >= digits.Length)
        {
            sb.Append(digits).Append('0', point - digits.Length).Append(".0");
        }
        else
        {
            sb.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point);
        }
        return sb.ToString();
    }
}
