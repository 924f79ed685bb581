using System.Globalization;
using System.Text;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// The <c>tojson</c> filter transformers installs (chat_template_utils.py):
/// <c>json.dumps(x, ensure_ascii=False, indent=indent, separators=None, sort_keys=False)</c>.
/// Key order is kept, non-ASCII is written as is, separators are <c>", "</c> and <c>": "</c>
/// (<c>","</c> at line ends when indenting), floats use Python's repr.
/// </summary>
internal static class PythonJson
{
    public static string Dumps(object? value, int? indent, bool sortKeys)
    {
        var sb = new StringBuilder();
        Write(sb, value, indent, sortKeys, 0);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, object? value, int? indent, bool sortKeys, int level)
    {
        switch (value)
        {
            case null: sb.Append("null"); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d:
                sb.Append(double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : PythonFormat.FormatFloat(d));
                break;
            case string s: WriteString(sb, s); break;
            case IReadOnlyList<object?> list:
                if (list.Count == 0)
                {
                    sb.Append("[]");
                    break;
                }
                sb.Append('[');
                for (int i = 0; i < list.Count; i++)
                {
                    Separate(sb, i > 0, indent, level + 1);
                    Write(sb, list[i], indent, sortKeys, level + 1);
                }
                Close(sb, indent, level);
                sb.Append(']');
                break;
            case IReadOnlyDictionary<string, object?> dict:
                WriteObject(sb, dict, indent, sortKeys, level);
                break;
            case TemplateNamespace ns:
                WriteObject(sb, ns.Attributes, indent, sortKeys, level);
                break;
            default:
                throw new TemplateOperationException($"Object of type {PythonFormat.TypeName(value)} is not JSON serializable");
        }
    }

    private static void WriteObject(StringBuilder sb, IReadOnlyDictionary<string, object?> dict, int? indent, bool sortKeys, int level)
    {
        if (dict.Count == 0)
        {
            sb.Append("{}");
            return;
        }
        var keys = new List<string>(dict.Keys);
        if (sortKeys)
        {
            keys.Sort(StringComparer.Ordinal);
        }
        sb.Append('{');
        for (int i = 0; i < keys.Count; i++)
        {
            Separate(sb, i > 0, indent, level + 1);
            WriteString(sb, keys[i]);
            sb.Append(": ");
            Write(sb, dict[keys[i]], indent, sortKeys, level + 1);
        }
        Close(sb, indent, level);
        sb.Append('}');
    }

    private static void Separate(StringBuilder sb, bool notFirst, int? indent, int level)
    {
        if (indent is null)
        {
            if (notFirst)
            {
                sb.Append(", ");
            }
            return;
        }
        if (notFirst)
        {
            sb.Append(',');
        }
        sb.Append('\n').Append(' ', indent.Value * level);
    }

    private static void Close(StringBuilder sb, int? indent, int level)
    {
        if (indent is not null)
        {
            sb.Append('\n').Append(' ', indent.Value * level);
        }
    }

    // json.encoder py_encode_basestring: escapes ", \, \n, \r, \t, \b, \f and other controls as \u00XX.
    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
    }
}
