using System.Text;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// <c>x.name</c>, <c>x[key]</c> and <c>x[a:b:c]</c> as jinja2's Environment.getattr/getitem do
/// them: a missing key or out-of-range index is undefined, while any access on an undefined
/// value fails.
/// </summary>
internal static class ValueAccess
{
    public static object? GetAttribute(object? target, string name) => target switch
    {
        Undefined u => throw new TemplateOperationException(u.Hint),
        IReadOnlyDictionary<string, object?> dict => dict.TryGetValue(name, out var v) ? v : Undefined.MissingAttribute(dict, name),
        TemplateNamespace ns => ns.Attributes.TryGetValue(name, out var v) ? v : Undefined.MissingAttribute(ns, name),
        LoopContext loop => loop.Get(name),
        _ => Undefined.MissingAttribute(target, name),
    };

    public static object? GetItem(object? target, object? key)
    {
        switch (target)
        {
            case Undefined u:
                throw new TemplateOperationException(u.Hint);
            case IReadOnlyDictionary<string, object?> dict:
                return key is string k && dict.TryGetValue(k, out var v) ? v : new Undefined($"'dict object' has no attribute {PythonFormat.Describe(key)}");
            case TemplateNamespace or LoopContext when key is string name:
                return GetAttribute(target, name);
            case IReadOnlyList<object?> list when PythonOps.IsInteger(key):
                long i = PythonOps.ToLong(key);
                if (i < 0)
                {
                    i += list.Count;
                }
                return i >= 0 && i < list.Count ? list[(int)i] : new Undefined($"{PythonFormat.TypeName(target)} index out of range");
            case string s when PythonOps.IsInteger(key):
                return CodePointAt(s, PythonOps.ToLong(key)) ?? (object)new Undefined("string index out of range");
            default:
                return new Undefined($"'{PythonFormat.TypeName(target)} object' has no attribute {PythonFormat.Describe(key)}");
        }
    }

    // s[i] counts code points, as Python does; text without surrogates indexes its chars directly.
    private static string? CodePointAt(string s, long index)
    {
        if (!HasSurrogates(s))
        {
            long at = index < 0 ? index + s.Length : index;
            return at >= 0 && at < s.Length ? s[(int)at].ToString() : null;
        }
        var runes = PythonOps.Runes(s);
        long j = index < 0 ? index + runes.Length : index;
        return j >= 0 && j < runes.Length ? runes[(int)j].ToString() : null;
    }

    private static bool HasSurrogates(string s) => s.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0;

    /// <summary>Python slice semantics (PySlice_AdjustIndices), for lists, tuples, ranges and strings.</summary>
    public static object? Slice(object? target, object? start, object? stop, object? step)
    {
        long stepValue = step is null ? 1 : PythonOps.ToLong(step);
        if (stepValue == 0)
        {
            throw new TemplateOperationException("slice step cannot be zero");
        }
        IReadOnlyList<object?> items;
        Rune[]? runes = null;
        string? text = null;
        switch (target)
        {
            case Undefined u:
                throw new TemplateOperationException(u.Hint);
            case string s when HasSurrogates(s):
                runes = PythonOps.Runes(s);
                items = Array.Empty<object?>();
                break;
            case string s:
                text = s;
                items = Array.Empty<object?>();
                break;
            case IReadOnlyList<object?> list:
                items = list;
                break;
            default:
                throw new TemplateOperationException($"'{PythonFormat.TypeName(target)}' object is not subscriptable");
        }
        long length = text?.Length ?? runes?.Length ?? items.Count;
        long lo = Adjust(start, stepValue < 0 ? length - 1 : 0, length, stepValue);
        long hi = Adjust(stop, stepValue < 0 ? -1 : length, length, stepValue);
        // The slice's length as CPython computes it; lo and hi lie in [-1, length], so only the step can be extreme.
        int count = (int)(stepValue < 0
            ? (lo > hi ? ((lo - hi - 1) / -(Int128)stepValue) + 1 : 0)
            : (lo < hi ? ((hi - lo - 1) / stepValue) + 1 : 0));
        if (text is not null)
        {
            if (stepValue == 1)
            {
                return text.Substring((int)lo, count);
            }
            return string.Create(count, (text, lo, stepValue), static (span, state) =>
            {
                for (int k = 0; k < span.Length; k++)
                {
                    span[k] = state.text[(int)(state.lo + (k * state.stepValue))];
                }
            });
        }
        if (runes is not null)
        {
            var sb = new StringBuilder(count);
            for (int k = 0; k < count; k++)
            {
                sb.Append(runes[lo + (k * stepValue)].ToString());
            }
            return sb.ToString();
        }
        if (target is TemplateRange range)
        {
            return range.Slice(lo, hi, stepValue, count);
        }
        var result = new object?[count];
        for (int k = 0; k < count; k++)
        {
            result[k] = items[(int)(lo + (k * stepValue))];
        }
        return target is TemplateTuple ? new TemplateTuple(result) : result;
    }

    private static long Adjust(object? bound, long defaultValue, long length, long step)
    {
        if (bound is null)
        {
            return defaultValue;
        }
        long i = PythonOps.ToLong(bound);
        if (i < 0)
        {
            i += length;
            if (i < 0)
            {
                i = step < 0 ? -1 : 0;
            }
        }
        else if (i >= length)
        {
            i = step < 0 ? length - 1 : length;
        }
        return i;
    }
}
