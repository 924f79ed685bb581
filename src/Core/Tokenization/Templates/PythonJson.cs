using System.Globalization;
using System.Text;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// The <c>tojson</c> filter transformers installs (chat_template_utils.py):
/// <c>json.dumps(x, ensure_ascii=False, indent=indent, separators=None, sort_keys=False)</c>.
/// Key order is kept, non-ASCII is written as is, separators are <c>", "</c> and <c>": "</c>
/// (<c>","</c> at line ends when indenting), floats use Python's repr. The text grows within the
/// render's string limit and nesting limit (which also ends a namespace that contains itself, where
/// Python reports a circular reference).
/// </summary>
internal sealed class PythonJson
{
    private readonly StringBuilder _sb = new();
    private readonly RenderBudget _budget;
    private readonly int? _indent;
    private readonly bool _sortKeys;

    private PythonJson(RenderBudget budget, int? indent, bool sortKeys)
    {
        _budget = budget;
        _indent = indent;
        _sortKeys = sortKeys;
    }

    /// <param name="indent">Spaces per level, or null for one line; a negative indent is 0, as in Python.</param>
    public static string Dumps(object? value, long? indent, bool sortKeys, RenderBudget budget)
    {
        int? spaces = indent is null ? null : (int)Math.Clamp(indent.Value, 0, budget.Limits.MaxOutputLength + 1L);
        var json = new PythonJson(budget, spaces, sortKeys);
        json.Write(value, 0);
        return json._sb.ToString();
    }

    private void Write(object? value, int level)
    {
        var sb = _sb;
        switch (value)
        {
            case null: sb.Append("null"); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d:
                sb.Append(double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : PythonFormat.FormatFloat(d));
                break;
            case string s: WriteString(s); break;
            case TemplateRange:
                throw new TemplateOperationException("Object of type range is not JSON serializable");
            case IReadOnlyList<object?> list:
                if (list.Count == 0)
                {
                    sb.Append("[]");
                    break;
                }
                _budget.CheckValueDepth(level + 1);
                sb.Append('[');
                for (int i = 0; i < list.Count; i++)
                {
                    Separate(i > 0, level + 1);
                    Write(list[i], level + 1);
                }
                Close(level);
                sb.Append(']');
                break;
            case IReadOnlyDictionary<string, object?> dict:
                WriteObject(dict, level);
                break;
            case TemplateNamespace ns:
                WriteObject(ns.Attributes, level);
                break;
            default:
                throw new TemplateOperationException($"Object of type {PythonFormat.TypeName(value)} is not JSON serializable");
        }
        CheckLength(0);
    }

    private void WriteObject(IReadOnlyDictionary<string, object?> dict, int level)
    {
        if (dict.Count == 0)
        {
            _sb.Append("{}");
            return;
        }
        _budget.CheckValueDepth(level + 1);
        var keys = new List<string>(dict.Keys);
        if (_sortKeys)
        {
            keys.Sort(StringComparer.Ordinal);
        }
        _sb.Append('{');
        for (int i = 0; i < keys.Count; i++)
        {
            Separate(i > 0, level + 1);
            WriteString(keys[i]);
            _sb.Append(": ");
            Write(dict[keys[i]], level + 1);
        }
        Close(level);
        _sb.Append('}');
    }

    private void Separate(bool notFirst, int level)
    {
        if (_indent is null)
        {
            if (notFirst)
            {
                _sb.Append(", ");
            }
            return;
        }
        if (notFirst)
        {
            _sb.Append(',');
        }
        NewLine(level);
    }

    private void Close(int level)
    {
        if (_indent is not null)
        {
            NewLine(level);
        }
    }

    private void NewLine(int level)
    {
        long spaces = (long)_indent!.Value * level;
        CheckLength(1 + spaces);
        _sb.Append('\n').Append(' ', (int)spaces);
    }

    private void CheckLength(long adding) => _budget.CheckString(_sb.Length + adding, "tojson");

    // json.encoder py_encode_basestring: escapes ", \, \n, \r, \t, \b, \f and other controls as \u00XX.
    private void WriteString(string s)
    {
        var sb = _sb;
        // Escapes at most sextuple a character: check the length once when it cannot overflow, else per character.
        bool bounded = sb.Length + (6L * s.Length) + 2 <= _budget.Limits.MaxOutputLength;
        sb.Append('"');
        foreach (char c in s)
        {
            if (!bounded && sb.Length > _budget.Limits.MaxOutputLength)
            {
                CheckLength(0);
            }
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
