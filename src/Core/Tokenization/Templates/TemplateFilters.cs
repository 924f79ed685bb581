using System.Globalization;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// The filters (jinja2 filters.py, plus transformers' <c>tojson</c>) that chat templates use.
/// Names not listed here are rejected when the template is parsed. Strings and lists they build are
/// checked against the render's limits before they are allocated.
/// </summary>
internal static class TemplateFilters
{
    private static readonly HashSet<string> Names =
    [
        "trim", "length", "count", "tojson", "default", "d", "first", "last", "join", "upper", "lower",
        "capitalize", "title", "replace", "list", "string", "int", "float", "items", "selectattr",
        "rejectattr", "map", "dictsort", "reverse", "sort", "unique", "abs", "round", "safe", "indent",
    ];

    public static bool IsKnown(string name) => Names.Contains(name);

    public static object? Apply(string name, object? value, TemplateArguments args, RenderBudget budget)
    {
        switch (name)
        {
            case "trim":
                args.Expect(name, "chars");
                return StringMethods.Strip(AsString(value, budget), args.Get(0, "chars"), left: true, right: true);
            case "length" or "count":
                args.Expect(name);
                return PythonOps.Length(value);
            case "tojson":
                args.Expect(name, "ensure_ascii", "indent", "separators", "sort_keys");
                if (args.Get(0, "ensure_ascii") is true || args.Get(2, "separators") is not null)
                {
                    throw new TemplateOperationException("tojson: ensure_ascii=True and separators are not supported");
                }
                object? indent = args.Get(1, "indent");
                return PythonJson.Dumps(value, indent is null ? null : PythonOps.ToLong(indent), PythonOps.IsTrue(args.Get(3, "sort_keys")), budget);
            case "default" or "d":
                args.Expect(name, "default_value", "boolean");
                bool boolean = PythonOps.IsTrue(args.Get(1, "boolean"));
                return value is Undefined || (boolean && !PythonOps.IsTrue(value)) ? args.Get(0, "default_value", "") : value;
            case "first":
                args.Expect(name);
                if (value is string head)
                {
                    // The first code point, without listing them all.
                    return head.Length > 0 ? FirstCodePoint(head) : new Undefined("No first item, sequence was empty.");
                }
                if (value is IReadOnlyDictionary<string, object?> firstOf)
                {
                    foreach (var key in firstOf.Keys)
                    {
                        return key;
                    }
                    return new Undefined("No first item, sequence was empty.");
                }
                var firstItems = PythonOps.Iterate(Defined(value), budget);
                return firstItems.Count > 0 ? firstItems[0] : new Undefined("No first item, sequence was empty.");
            case "last":
                args.Expect(name);
                if (value is string tail)
                {
                    return tail.Length > 0 ? LastCodePoint(tail) : new Undefined("No last item, sequence was empty.");
                }
                if (value is OrderedDictionary<string, object?> lastOf)
                {
                    // Every dict a template sees is ordered (TemplateValue.Normalize, dict literals, namespaces).
                    return lastOf.Count > 0 ? lastOf.GetAt(lastOf.Count - 1).Key : new Undefined("No last item, sequence was empty.");
                }
                var lastItems = PythonOps.Iterate(Defined(value), budget);
                return lastItems.Count > 0 ? lastItems[^1] : new Undefined("No last item, sequence was empty.");
            case "join":
                args.Expect(name, "d", "attribute");
                return Join(PythonOps.Iterate(value, budget), PythonFormat.Str(args.Get(0, "d", ""), budget), args.Get(1, "attribute"), budget);
            case "upper":
                args.Expect(name);
                return AsString(value, budget).ToUpperInvariant();
            case "lower":
                args.Expect(name);
                return AsString(value, budget).ToLowerInvariant();
            case "capitalize":
                args.Expect(name);
                return StringMethods.Capitalize(AsString(value, budget));
            case "title":
                args.Expect(name);
                return StringMethods.Title(AsString(value, budget));
            case "replace":
                args.Expect(name, "old", "new", "count");
                return StringMethods.Replace(AsString(value, budget), args.Get(0, "old"), args.Get(1, "new"), args.Get(2, "count"), budget);
            case "list":
                args.Expect(name);
                return ToArray(PythonOps.Iterate(value, budget));
            case "string":
                args.Expect(name);
                return PythonFormat.Str(value, budget);
            case "int":
                args.Expect(name, "default", "base");
                return ToInt(value, args.Get(0, "default", 0L));
            case "float":
                args.Expect(name, "default");
                return ToFloat(value, args.Get(0, "default", 0.0));
            case "items":
                args.Expect(name);
                return value is Undefined ? Array.Empty<object?>() : Items(AsDict(value, name));
            case "dictsort":
                args.Expect(name);
                var pairs = Items(AsDict(value, name));
                Sort(pairs, static (x, y, budget) => PythonOps.Compare(((TemplateTuple)x!)[0], ((TemplateTuple)y!)[0], budget), budget);
                return pairs;
            case "selectattr" or "rejectattr":
                return SelectAttribute(PythonOps.Iterate(value, budget), args, keep: name == "selectattr", budget);
            case "map":
                return Map(PythonOps.Iterate(value, budget), args, budget);
            case "reverse":
                args.Expect(name);
                if (value is string text)
                {
                    return ValueAccess.Slice(text, null, null, -1L);
                }
                var reversed = ToArray(PythonOps.Iterate(value, budget));
                Array.Reverse(reversed);
                return reversed;
            case "sort":
                args.Expect(name, "reverse");
                var sorted = ToArray(PythonOps.Iterate(value, budget));
                Sort(sorted, static (x, y, budget) => PythonOps.Compare(x, y, budget), budget);
                if (PythonOps.IsTrue(args.Get(0, "reverse")))
                {
                    Array.Reverse(sorted);
                }
                return sorted;
            case "unique":
                args.Expect(name, "case_sensitive", "attribute");
                return Unique(PythonOps.Iterate(value, budget), PythonOps.IsTrue(args.Get(0, "case_sensitive")), args.Get(1, "attribute"), budget);
            case "abs":
                args.Expect(name);
                if (PythonOps.IsInteger(value))
                {
                    long integer = PythonOps.ToLong(value);
                    return integer != long.MinValue ? Math.Abs(integer) : throw new TemplateOperationException("integer overflow in abs(-9223372036854775808): values beyond 64 bits are not supported");
                }
                return Math.Abs(PythonOps.ToDouble(value));
            case "round":
                args.Expect(name, "precision");
                return Round(PythonOps.ToDouble(value), PythonOps.ToLong(args.Get(0, "precision", 0L)));
            case "safe":
                args.Expect(name);
                return value;
            case "indent":
                args.Expect(name, "width", "first", "blank");
                return Indent(PythonFormat.Str(value, budget), args, budget);
            default:
                throw new TemplateOperationException($"unknown filter '{name}'");
        }
    }

    private static string FirstCodePoint(string s) =>
        s.Length > 1 && char.IsHighSurrogate(s[0]) && char.IsLowSurrogate(s[1]) ? s[..2] : s[..1];

    private static string LastCodePoint(string s) =>
        s.Length > 1 && char.IsLowSurrogate(s[^1]) && char.IsHighSurrogate(s[^2]) ? s[^2..] : s[^1..];

    private static object? Defined(object? value) =>
        value is Undefined u ? throw new TemplateOperationException(u.Hint) : value;

    private static string AsString(object? value, RenderBudget budget) => value switch
    {
        string s => s,
        Undefined => "",
        _ => PythonFormat.Str(value, budget),
    };

    private static object?[] ToArray(IReadOnlyList<object?> items)
    {
        var array = new object?[items.Count];
        for (int i = 0; i < array.Length; i++)
        {
            array[i] = items[i];
        }
        return array;
    }

    // Array.Sort reports a comparer's exception wrapped in an InvalidOperationException; a template's
    // comparison error ('<' between str and int) must stay the template error it is.
    private static void Sort(object?[] items, Func<object?, object?, RenderBudget, int> compare, RenderBudget budget)
    {
        // A sort compares about n log2 n pairs; its work is charged before it starts.
        budget.Charge(8L * items.Length * (64 - long.LeadingZeroCount(items.Length)));
        try
        {
            Array.Sort(items, (x, y) => compare(x, y, budget));
        }
        catch (InvalidOperationException e) when (e.InnerException is TemplateOperationException inner)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
        }
    }

    /// <summary>
    /// jinja2 do_unique: the items whose key (the item, or its <paramref name="attribute"/>; strings lowercased
    /// unless <paramref name="caseSensitive"/>) was not seen before, in order. Keys go through a hash set as in
    /// Python, so a long list takes linear time, and a list or dict key is unhashable as in Python.
    /// </summary>
    private static object?[] Unique(IReadOnlyList<object?> items, bool caseSensitive, object? attribute, RenderBudget budget)
    {
        var unique = new List<object?>();
        var seen = new HashSet<object?>(new HashKeyComparer(budget));
        string? attributeName = attribute is null ? null : PythonFormat.Str(attribute, budget);
        foreach (var item in items)
        {
            var key = attributeName is null ? item : ValueAccess.GetAttribute(item, attributeName);
            if (!caseSensitive && key is string text)
            {
                budget.Charge(2L * text.Length);
                key = text.ToLowerInvariant();
            }
            if (!HashKeyComparer.IsHashable(key, 0))
            {
                throw new TemplateOperationException($"unhashable type: '{PythonFormat.TypeName(key)}'");
            }
            if (seen.Add(key))
            {
                unique.Add(item);
            }
        }
        return unique.ToArray();
    }

    /// <summary>
    /// Python round(x, n) on a float, half to even. For |n| within a double's precision it scales by 10^n, as
    /// CPython's float round does before its correction step; past 15 digits a double is already rounded, and
    /// past -308 every finite value rounds to 0.
    /// </summary>
    private static double Round(double value, long digits)
    {
        if (!double.IsFinite(value) || digits > 15)
        {
            return value;
        }
        if (digits >= 0)
        {
            return Math.Round(value, (int)digits, MidpointRounding.ToEven);
        }
        if (digits < -308)
        {
            return 0.0 * value;
        }
        double scale = Math.Pow(10, -digits);
        return Math.Round(value / scale, MidpointRounding.ToEven) * scale;
    }

    private static IReadOnlyDictionary<string, object?> AsDict(object? value, string filter) =>
        value as IReadOnlyDictionary<string, object?>
        ?? (value is TemplateNamespace ns ? ns.Attributes
            : throw new TemplateOperationException($"{filter}: expected a mapping, got {PythonFormat.TypeName(value)}"));

    public static object?[] Items(IReadOnlyDictionary<string, object?> dict)
    {
        var pairs = new object?[dict.Count];
        int i = 0;
        foreach (var (key, item) in dict)
        {
            pairs[i++] = new TemplateTuple([key, item]);
        }
        return pairs;
    }

    private static string Join(IReadOnlyList<object?> items, string separator, object? attribute, RenderBudget budget)
    {
        var parts = new string[items.Count];
        long length = Math.Max(0, items.Count - 1) * (long)separator.Length;
        budget.CheckString(length, "join");
        for (int i = 0; i < items.Count; i++)
        {
            var item = attribute is null ? items[i] : ValueAccess.GetAttribute(items[i], PythonFormat.Str(attribute, budget));
            parts[i] = PythonFormat.Str(item, budget);
            length += parts[i].Length;
            budget.CheckString(length, "join");
        }
        return string.Join(separator, parts);
    }

    private static object? ToInt(object? value, object? fallback) => value switch
    {
        long or bool => PythonOps.ToLong(value),
        double d => double.IsFinite(d) ? PythonOps.Truncate(d) : fallback,
        string s when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l) => l,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) => PythonOps.Truncate(d),
        _ => fallback,
    };

    private static object? ToFloat(object? value, object? fallback) => value switch
    {
        long or bool or double => PythonOps.ToDouble(value),
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
        _ => fallback,
    };

    private static object?[] SelectAttribute(IReadOnlyList<object?> items, TemplateArguments args, bool keep, RenderBudget budget)
    {
        if (args.Positional.Count < 1 || args.Named.Count > 0)
        {
            throw new TemplateOperationException("selectattr/rejectattr take an attribute name, then an optional test name and its arguments");
        }
        string attribute = PythonFormat.Str(args.Positional[0], budget);
        string? test = args.Positional.Count > 1 ? PythonFormat.Str(args.Positional[1], budget) : null;
        if (test is not null && !TemplateTests.IsKnown(test))
        {
            throw new TemplateOperationException($"unknown test '{test}'");
        }
        var testArgs = new TemplateArguments(Tail(args.Positional, 2), []);
        var result = new List<object?>();
        foreach (var item in items)
        {
            var attr = ValueAccess.GetAttribute(item, attribute);
            bool passed = test is null ? PythonOps.IsTrue(attr) : TemplateTests.Apply(test, attr, testArgs, budget);
            if (passed == keep)
            {
                result.Add(item);
            }
        }
        return result.ToArray();
    }

    private static object?[] Map(IReadOnlyList<object?> items, TemplateArguments args, RenderBudget budget)
    {
        var result = new object?[items.Count];
        if (args.Positional.Count == 0)
        {
            args.Expect("map", "attribute", "default");
            string attribute = PythonFormat.Str(args.Get(0, "attribute"), budget);
            for (int i = 0; i < items.Count; i++)
            {
                var v = ValueAccess.GetAttribute(items[i], attribute);
                result[i] = v is Undefined && args.Has(1, "default") ? args.Get(1, "default") : v;
            }
            return result;
        }
        string filter = PythonFormat.Str(args.Positional[0], budget);
        if (!IsKnown(filter))
        {
            throw new TemplateOperationException($"unknown filter '{filter}'");
        }
        var filterArgs = new TemplateArguments(Tail(args.Positional, 1), args.Named);
        for (int i = 0; i < items.Count; i++)
        {
            result[i] = Apply(filter, items[i], filterArgs, budget);
            budget.Charge(RenderBudget.SizeOf(result[i]) + (items[i] is string text ? 2L * text.Length : 0));
        }
        return result;
    }

    private static object?[] Tail(IReadOnlyList<object?> values, int from)
    {
        var tail = new object?[Math.Max(0, values.Count - from)];
        for (int i = 0; i < tail.Length; i++)
        {
            tail[i] = values[from + i];
        }
        return tail;
    }

    // jinja2 do_indent: a string width is the indentation itself; a number is that many spaces (none if negative).
    private static string Indent(string text, TemplateArguments args, RenderBudget budget)
    {
        var width = args.Get(0, "width", 4L);
        long spaces = width is string ? 0 : Math.Max(0, PythonOps.ToLong(width));
        budget.CheckString(spaces, "indent");
        string pad = width as string ?? new string(' ', (int)spaces);
        bool first = PythonOps.IsTrue(args.Get(1, "first"));
        bool blank = PythonOps.IsTrue(args.Get(2, "blank"));
        budget.CheckString(text.Length + ((text.AsSpan().Count('\n') + 1L) * pad.Length), "indent");
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if ((i > 0 || first) && (blank || lines[i].Trim().Length > 0))
            {
                lines[i] = pad + lines[i];
            }
        }
        return string.Join('\n', lines);
    }
}
