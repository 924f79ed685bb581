using System.Globalization;
using System.Text;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>Python's <c>'format' % args</c> for the conversions templates use: %s, %r, %d, %i, %%.</summary>
internal static class PercentFormat
{
    public static string Apply(string format, object? args, RenderBudget budget)
    {
        IReadOnlyList<object?> values = args is TemplateTuple t ? t : [args];
        var sb = new StringBuilder();
        int next = 0;
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            if (c != '%')
            {
                sb.Append(c);
                continue;
            }
            if (++i >= format.Length)
            {
                throw new TemplateOperationException("incomplete format");
            }
            char conversion = format[i];
            if (conversion == '%')
            {
                sb.Append('%');
                continue;
            }
            if (next >= values.Count)
            {
                throw new TemplateOperationException("not enough arguments for format string");
            }
            object? value = values[next++];
            string piece = conversion switch
            {
                's' => PythonFormat.Str(value, budget),
                'r' => PythonFormat.Repr(value, budget),
                'd' or 'i' => PythonOps.IsNumber(value)
                    ? (PythonOps.IsInteger(value) ? PythonOps.ToLong(value) : PythonOps.Truncate(PythonOps.ToDouble(value))).ToString(CultureInfo.InvariantCulture)
                    : throw new TemplateOperationException($"%{conversion} format: a real number is required, not {PythonFormat.TypeName(value)}"),
                _ => throw new TemplateOperationException($"unsupported format character '{conversion}'"),
            };
            budget.CheckString((long)sb.Length + piece.Length + format.Length - i - 1, "'%' formatting");
            sb.Append(piece);
        }
        if (next < values.Count)
        {
            throw new TemplateOperationException("not all arguments converted during string formatting");
        }
        return sb.ToString();
    }
}
