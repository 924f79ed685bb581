using System.Globalization;
using System.Text;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// Python's <c>str()</c> and <c>repr()</c> of template values, which is what Jinja prints:
/// <c>None</c>, <c>True</c>, <c>1.0</c>, <c>['a', 1]</c>, <c>{'k': None}</c>, <c>(1, 2)</c>.
/// </summary>
internal static class PythonFormat
{
    public static string Str(object? value) => value switch
    {
        string s => s,
        Undefined => "",
        _ => Repr(value),
    };

    public static string Repr(object? value)
    {
        var sb = new StringBuilder();
        AppendRepr(sb, value);
        return sb.ToString();
    }

    public static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        bool => "bool",
        long or int => "int",
        double => "float",
        string => "str",
        TemplateTuple => "tuple",
        IReadOnlyList<object?> => "list",
        IReadOnlyDictionary<string, object?> => "dict",
        TemplateNamespace => "Namespace",
        LoopContext => "LoopContext",
        Undefined => "Undefined",
        _ => value.GetType().Name,
    };

    private static void AppendRepr(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null: sb.Append("None"); break;
            case bool b: sb.Append(b ? "True" : "False"); break;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: sb.Append(FormatFloat(d)); break;
            case string s: AppendStringRepr(sb, s); break;
            case Undefined: break;
            case TemplateTuple t:
                sb.Append('(');
                AppendItems(sb, t);
                sb.Append(t.Count == 1 ? ",)" : ")");
                break;
            case IReadOnlyList<object?> list:
                sb.Append('[');
                AppendItems(sb, list);
                sb.Append(']');
                break;
            case IReadOnlyDictionary<string, object?> dict:
                AppendDict(sb, dict);
                break;
            case TemplateNamespace ns:
                sb.Append("<Namespace ");
                AppendDict(sb, ns.Attributes);
                sb.Append('>');
                break;
            default:
                sb.Append('<').Append(TypeName(value)).Append('>');
                break;
        }
    }

    private static void AppendItems(StringBuilder sb, IReadOnlyList<object?> items)
    {
        for (int i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }
            AppendRepr(sb, items[i]);
        }
    }

    private static void AppendDict(StringBuilder sb, IEnumerable<KeyValuePair<string, object?>> dict)
    {
        sb.Append('{');
        bool first = true;
        foreach (var (key, item) in dict)
        {
            if (!first)
            {
                sb.Append(", ");
            }
            first = false;
            AppendStringRepr(sb, key);
            sb.Append(": ");
            AppendRepr(sb, item);
        }
        sb.Append('}');
    }

    // CPython unicode_repr: single quotes unless the text has ' and no ", backslash escapes for
    // the quote, backslash, \t \n \r and other non-printable characters; printable non-ASCII as is.
    private static void AppendStringRepr(StringBuilder sb, string s)
    {
        char quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        sb.Append(quote);
        foreach (Rune r in s.EnumerateRunes())
        {
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
            else
            {
                sb.Append(r.ToString());
            }
        }
        sb.Append(quote);
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
