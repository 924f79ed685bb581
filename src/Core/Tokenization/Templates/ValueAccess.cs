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
        IReadOnlyDictionary<string, object?> dict => dict.TryGetValue(name, out var v) ? v : new Undefined($"'dict object' has no attribute '{name}'"),
        TemplateNamespace ns => ns.Attributes.TryGetValue(name, out var v) ? v : new Undefined($"'Namespace' has no attribute '{name}'"),
        LoopContext loop => loop.Get(name),
        _ => new Undefined($"'{PythonFormat.TypeName(target)} object' has no attribute '{name}'"),
    };

    public static object? GetItem(object? target, object? key)
    {
        switch (target)
        {
            case Undefined u:
                throw new TemplateOperationException(u.Hint);
            case IReadOnlyDictionary<string, object?> dict:
                return key is string k && dict.TryGetValue(k, out var v) ? v : new Undefined($"'dict object' has no attribute {PythonFormat.Repr(key)}");
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
                var runes = PythonOps.Runes(s);
                long j = PythonOps.ToLong(key);
                if (j < 0)
                {
                    j += runes.Length;
                }
                return j >= 0 && j < runes.Length ? runes[(int)j].ToString() : new Undefined("string index out of range");
            default:
                return new Undefined($"'{PythonFormat.TypeName(target)} object' has no attribute {PythonFormat.Repr(key)}");
        }
    }

    /// <summary>Python slice semantics (PySlice_AdjustIndices), for lists, tuples and strings.</summary>
    public static object? Slice(object? target, object? start, object? stop, object? step)
    {
        long stepValue = step is null ? 1 : PythonOps.ToLong(step);
        if (stepValue == 0)
        {
            throw new TemplateOperationException("slice step cannot be zero");
        }
        IReadOnlyList<object?> items;
        Rune[]? runes = null;
        switch (target)
        {
            case Undefined u:
                throw new TemplateOperationException(u.Hint);
            case string s:
                runes = PythonOps.Runes(s);
                items = Array.Empty<object?>();
                break;
            case IReadOnlyList<object?> list:
                items = list;
                break;
            default:
                throw new TemplateOperationException($"'{PythonFormat.TypeName(target)}' object is not subscriptable");
        }
        long length = runes?.Length ?? items.Count;
        long lo = Adjust(start, stepValue < 0 ? length - 1 : 0, length, stepValue);
        long hi = Adjust(stop, stepValue < 0 ? -1 : length, length, stepValue);
        var picked = new List<int>();
        for (long i = lo; stepValue > 0 ? i < hi : i > hi; i += stepValue)
        {
            picked.Add((int)i);
        }
        if (runes is not null)
        {
            var sb = new StringBuilder();
            foreach (int i in picked)
            {
                sb.Append(runes[i].ToString());
            }
            return sb.ToString();
        }
        var result = new object?[picked.Count];
        for (int k = 0; k < picked.Count; k++)
        {
            result[k] = items[picked[k]];
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
