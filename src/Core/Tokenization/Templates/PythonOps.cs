using System.Text;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// Python semantics of the values templates handle: truthiness, equality (bool is an int, 1 == 1.0),
/// ordering, membership, iteration and length. Undefined follows jinja2's default Undefined.
/// </summary>
internal static class PythonOps
{
    public static bool IsTrue(object? value) => value switch
    {
        null or Undefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        IReadOnlyList<object?> list => list.Count > 0,
        IReadOnlyDictionary<string, object?> dict => dict.Count > 0,
        _ => true,
    };

    public static bool IsNumber(object? value) => value is long or double or bool;

    public static bool IsInteger(object? value) => value is long or bool;

    public static long ToLong(object? value) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new TemplateOperationException($"expected an integer, got {PythonFormat.TypeName(value)}"),
    };

    public static double ToDouble(object? value) => value switch
    {
        double d => d,
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new TemplateOperationException($"expected a number, got {PythonFormat.TypeName(value)}"),
    };

    public static new bool Equals(object? a, object? b)
    {
        if (a is Undefined || b is Undefined)
        {
            return a is Undefined && b is Undefined;
        }
        if (IsNumber(a) && IsNumber(b))
        {
            return IsInteger(a) && IsInteger(b) ? ToLong(a) == ToLong(b) : ToDouble(a) == ToDouble(b);
        }
        switch (a)
        {
            case null:
                return b is null;
            case string sa:
                return b is string sb && string.Equals(sa, sb, StringComparison.Ordinal);
            case TemplateTuple ta:
                return b is TemplateTuple tb && SequenceEquals(ta, tb);
            case IReadOnlyList<object?> la:
                return b is IReadOnlyList<object?> lb and not TemplateTuple && SequenceEquals(la, lb);
            case IReadOnlyDictionary<string, object?> da:
                if (b is not IReadOnlyDictionary<string, object?> db || da.Count != db.Count)
                {
                    return false;
                }
                foreach (var (key, value) in da)
                {
                    if (!db.TryGetValue(key, out var other) || !Equals(value, other))
                    {
                        return false;
                    }
                }
                return true;
            default:
                return ReferenceEquals(a, b);
        }
    }

    private static bool SequenceEquals(IReadOnlyList<object?> a, IReadOnlyList<object?> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        for (int i = 0; i < a.Count; i++)
        {
            if (!Equals(a[i], b[i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Python ordering: numbers with numbers, strings by code point, lists element-wise.</summary>
    public static int Compare(object? a, object? b)
    {
        if (IsNumber(a) && IsNumber(b))
        {
            return IsInteger(a) && IsInteger(b) ? ToLong(a).CompareTo(ToLong(b)) : ToDouble(a).CompareTo(ToDouble(b));
        }
        if (a is string sa && b is string sb)
        {
            return CompareCodePoints(sa, sb);
        }
        if (a is IReadOnlyList<object?> la && b is IReadOnlyList<object?> lb)
        {
            for (int i = 0; i < la.Count && i < lb.Count; i++)
            {
                if (!Equals(la[i], lb[i]))
                {
                    return Compare(la[i], lb[i]);
                }
            }
            return la.Count.CompareTo(lb.Count);
        }
        if ((a ?? b) is Undefined undefined)
        {
            throw new TemplateOperationException(undefined.Hint);
        }
        if (b is Undefined undefinedRight)
        {
            throw new TemplateOperationException(undefinedRight.Hint);
        }
        throw new TemplateOperationException($"'<' not supported between instances of '{PythonFormat.TypeName(a)}' and '{PythonFormat.TypeName(b)}'");
    }

    private static int CompareCodePoints(string a, string b)
    {
        // Ordinal UTF-16 order differs from code point order only for surrogates against U+E000..U+FFFF.
        var ea = a.EnumerateRunes();
        var eb = b.EnumerateRunes();
        while (true)
        {
            bool ha = ea.MoveNext();
            bool hb = eb.MoveNext();
            if (!ha || !hb)
            {
                return ha ? 1 : hb ? -1 : 0;
            }
            int c = ea.Current.Value.CompareTo(eb.Current.Value);
            if (c != 0)
            {
                return c;
            }
        }
    }

    /// <summary>Python <c>needle in haystack</c>: substring, list element or dict key.</summary>
    public static bool Contains(object? haystack, object? needle) => haystack switch
    {
        string s when needle is string n => s.Contains(n, StringComparison.Ordinal),
        string => throw new TemplateOperationException($"'in <string>' requires string as left operand, not {PythonFormat.TypeName(needle)}"),
        IReadOnlyList<object?> list => IndexOf(list, needle) >= 0,
        IReadOnlyDictionary<string, object?> dict => needle is string k && dict.ContainsKey(k),
        TemplateNamespace ns => needle is string k && ns.Attributes.ContainsKey(k),
        Undefined => false,
        _ => throw new TemplateOperationException($"argument of type '{PythonFormat.TypeName(haystack)}' is not iterable"),
    };

    public static int IndexOf(IReadOnlyList<object?> list, object? item)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (Equals(list[i], item))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The items a for loop or a filter iterates: list items, dict keys, string characters.</summary>
    public static IReadOnlyList<object?> Iterate(object? value)
    {
        switch (value)
        {
            case IReadOnlyList<object?> list:
                return list;
            case IReadOnlyDictionary<string, object?> dict:
                var keys = new List<object?>(dict.Count);
                foreach (var key in dict.Keys)
                {
                    keys.Add(key);
                }
                return keys;
            case string s:
                var chars = new List<object?>(s.Length);
                foreach (Rune r in s.EnumerateRunes())
                {
                    chars.Add(r.ToString());
                }
                return chars;
            case Undefined:
                return [];
            default:
                throw new TemplateOperationException($"'{PythonFormat.TypeName(value)}' object is not iterable");
        }
    }

    public static long Length(object? value) => value switch
    {
        string s => CodePointCount(s),
        IReadOnlyList<object?> list => list.Count,
        IReadOnlyDictionary<string, object?> dict => dict.Count,
        Undefined => 0,
        _ => throw new TemplateOperationException($"object of type '{PythonFormat.TypeName(value)}' has no len()"),
    };

    public static int CodePointCount(string s)
    {
        int count = 0;
        foreach (Rune _ in s.EnumerateRunes())
        {
            count++;
        }
        return count;
    }

    public static Rune[] Runes(string s)
    {
        var runes = new List<Rune>(s.Length);
        foreach (Rune r in s.EnumerateRunes())
        {
            runes.Add(r);
        }
        return runes.ToArray();
    }
}
