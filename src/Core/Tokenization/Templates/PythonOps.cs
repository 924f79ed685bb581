using System.Text;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// Python semantics of the values templates handle: truthiness, equality (bool is an int, 1 == 1.0),
/// ordering, membership, iteration and length. Undefined follows jinja2's default Undefined.
/// Walks over nested values stop at <see cref="TemplateLimits.MaxNestingDepth"/>.
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

    /// <summary>Python's int() of a float: truncation toward zero, failing where Python would need more than 64 bits.</summary>
    public static long Truncate(double value)
    {
        if (double.IsNaN(value))
        {
            throw new TemplateOperationException("cannot convert float NaN to integer");
        }
        if (double.IsInfinity(value))
        {
            throw new TemplateOperationException("cannot convert float infinity to integer");
        }
        double truncated = Math.Truncate(value);
        // 2^63 is exact as a double; every double below it in magnitude converts exactly.
        if (truncated >= 9223372036854775808.0 || truncated < -9223372036854775808.0)
        {
            throw new TemplateOperationException($"integer overflow converting {PythonFormat.FormatFloat(value)}: values beyond 64 bits are not supported");
        }
        return (long)truncated;
    }

    public static bool Equals(object? a, object? b, RenderBudget budget) => Equals(a, b, budget, 0);

    private static bool Equals(object? a, object? b, RenderBudget budget, int depth)
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
                return b is string sb && StringEquals(sa, sb, budget);
            case TemplateTuple ta:
                return b is TemplateTuple tb && SequenceEquals(ta, tb, budget, depth);
            case TemplateRange ra:
                return b is TemplateRange rb && ra.SameItems(rb);
            case IReadOnlyList<object?> la:
                return b is IReadOnlyList<object?> lb and not TemplateTuple and not TemplateRange && SequenceEquals(la, lb, budget, depth);
            case IReadOnlyDictionary<string, object?> da:
                if (b is not IReadOnlyDictionary<string, object?> db || da.Count != db.Count)
                {
                    return false;
                }
                budget.CheckValueDepth(depth + 1);
                foreach (var (key, value) in da)
                {
                    if (!db.TryGetValue(key, out var other) || (!ReferenceEquals(value, other) && !Equals(value, other, budget, depth + 1)))
                    {
                        return false;
                    }
                }
                return true;
            default:
                return ReferenceEquals(a, b);
        }
    }

    // Equal-length strings are compared char by char; that work is charged, since a list or filter may compare
    // many long strings in one operation.
    private static bool StringEquals(string a, string b, RenderBudget budget)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }
        if (a.Length != b.Length)
        {
            return false;
        }
        budget.Charge(2L * a.Length);
        return a.AsSpan().SequenceEqual(b);
    }

    private static string ChargedScan(string s, RenderBudget budget)
    {
        budget.Charge(2L * s.Length);
        return s;
    }

    private static bool SequenceEquals(IReadOnlyList<object?> a, IReadOnlyList<object?> b, RenderBudget budget, int depth)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        budget.CheckValueDepth(depth + 1);
        for (int i = 0; i < a.Count; i++)
        {
            // As CPython's list comparison (PyObject_RichCompareBool), an item is equal to itself without a look inside.
            if (!ReferenceEquals(a[i], b[i]) && !Equals(a[i], b[i], budget, depth + 1))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Python ordering: numbers with numbers, strings by code point, lists element-wise.</summary>
    public static int Compare(object? a, object? b, RenderBudget budget) => Compare(a, b, budget, 0);

    private static int Compare(object? a, object? b, RenderBudget budget, int depth)
    {
        if (IsNumber(a) && IsNumber(b))
        {
            return IsInteger(a) && IsInteger(b) ? ToLong(a).CompareTo(ToLong(b)) : ToDouble(a).CompareTo(ToDouble(b));
        }
        if (a is string sa && b is string sb)
        {
            // Comparisons inside a list, a sort or a filter are charged here, where their length is known.
            budget.Charge(2L * Math.Min(sa.Length, sb.Length));
            return CompareCodePoints(sa, sb);
        }
        if (a is IReadOnlyList<object?> la && b is IReadOnlyList<object?> lb && a is not TemplateRange && b is not TemplateRange)
        {
            budget.CheckValueDepth(depth + 1);
            for (int i = 0; i < la.Count && i < lb.Count; i++)
            {
                if (!ReferenceEquals(la[i], lb[i]) && !Equals(la[i], lb[i], budget, depth + 1))
                {
                    return Compare(la[i], lb[i], budget, depth + 1);
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
        // Ordinal UTF-16 order differs from code point order only for surrogates against U+E000..U+FFFF,
        // so text without surrogates compares ordinally (vectorized).
        int common = a.AsSpan().CommonPrefixLength(b);
        if (common == a.Length || common == b.Length)
        {
            return a.Length.CompareTo(b.Length);
        }
        if (!char.IsSurrogate(a[common]) && !char.IsSurrogate(b[common]) && (common == 0 || !char.IsHighSurrogate(a[common - 1])))
        {
            return a[common].CompareTo(b[common]);
        }
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
    public static bool Contains(object? haystack, object? needle, RenderBudget budget) => haystack switch
    {
        string s when needle is string n => ChargedScan(s, budget).Contains(n, StringComparison.Ordinal),
        string => throw new TemplateOperationException($"'in <string>' requires string as left operand, not {PythonFormat.TypeName(needle)}"),
        // In constant time, as Python does for ints; a float counts when whole, anything else is never in a range.
        TemplateRange range => needle switch
        {
            long or bool => range.Contains(ToLong(needle)),
            double d => Math.Floor(d) == d && d >= long.MinValue && d < 9223372036854775808.0 && range.Contains((long)d),
            _ => false,
        },
        IReadOnlyList<object?> list => IndexOf(list, needle, budget) >= 0,
        IReadOnlyDictionary<string, object?> dict => needle is string k && dict.ContainsKey(k),
        TemplateNamespace ns => needle is string k && ns.Attributes.ContainsKey(k),
        Undefined => false,
        _ => throw new TemplateOperationException($"argument of type '{PythonFormat.TypeName(haystack)}' is not iterable"),
    };

    public static int IndexOf(IReadOnlyList<object?> list, object? item, RenderBudget budget)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (ReferenceEquals(list[i], item) || Equals(list[i], item, budget))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The items a for loop or a filter iterates: list items, dict keys, string characters.</summary>
    public static IReadOnlyList<object?> Iterate(object? value, RenderBudget budget)
    {
        switch (value)
        {
            case IReadOnlyList<object?> list:
                return list;
            case IReadOnlyDictionary<string, object?> dict:
                budget.CheckList(dict.Count, "iterating a dict");
                var keys = new object?[dict.Count];
                int k = 0;
                foreach (var key in dict.Keys)
                {
                    keys[k++] = key;
                }
                return keys;
            case string s:
                int count = s.Length <= budget.Limits.MaxListLength ? s.Length : CodePointCount(s);
                budget.CheckList(count, "iterating a string");
                var chars = new List<object?>(count);
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

    /// <summary>Python's len() of a string: UTF-16 units less one per surrogate pair (a lone surrogate counts one).</summary>
    public static int CodePointCount(ReadOnlySpan<char> s)
    {
        int at = s.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (at < 0)
        {
            return s.Length;
        }
        int pairs = 0;
        for (int i = at; i < s.Length - 1; i++)
        {
            if (char.IsHighSurrogate(s[i]) && char.IsLowSurrogate(s[i + 1]))
            {
                pairs++;
                i++;
            }
        }
        return s.Length - pairs;
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
