using System.Globalization;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// The filters (jinja2 filters.py, plus transformers' <c>tojson</c>) that chat templates use.
/// Names not listed here are rejected when the template is parsed.
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

    public static object? Apply(string name, object? value, TemplateArguments args)
    {
        switch (name)
        {
            case "trim":
                args.Expect(name, "chars");
                return StringMethods.Strip(AsString(value, name), args.Get(0, "chars"), left: true, right: true);
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
                return PythonJson.Dumps(value, indent is null ? null : (int)PythonOps.ToLong(indent), PythonOps.IsTrue(args.Get(3, "sort_keys")));
            case "default" or "d":
                args.Expect(name, "default_value", "boolean");
                bool boolean = PythonOps.IsTrue(args.Get(1, "boolean"));
                return value is Undefined || (boolean && !PythonOps.IsTrue(value)) ? args.Get(0, "default_value", "") : value;
            case "first":
                args.Expect(name);
                var firstItems = PythonOps.Iterate(Defined(value));
                return firstItems.Count > 0 ? firstItems[0] : new Undefined("No first item, sequence was empty.");
            case "last":
                args.Expect(name);
                var lastItems = PythonOps.Iterate(Defined(value));
                return lastItems.Count > 0 ? lastItems[^1] : new Undefined("No last item, sequence was empty.");
            case "join":
                args.Expect(name, "d", "attribute");
                return Join(PythonOps.Iterate(value), PythonFormat.Str(args.Get(0, "d", "")), args.Get(1, "attribute"));
            case "upper":
                args.Expect(name);
                return AsString(value, name).ToUpperInvariant();
            case "lower":
                args.Expect(name);
                return AsString(value, name).ToLowerInvariant();
            case "capitalize":
                args.Expect(name);
                return StringMethods.Capitalize(AsString(value, name));
            case "title":
                args.Expect(name);
                return StringMethods.Title(AsString(value, name));
            case "replace":
                args.Expect(name, "old", "new", "count");
                return StringMethods.Replace(AsString(value, name), args.Get(0, "old"), args.Get(1, "new"), args.Get(2, "count"));
            case "list":
                args.Expect(name);
                return new List<object?>(PythonOps.Iterate(value)).ToArray();
            case "string":
                args.Expect(name);
                return PythonFormat.Str(value);
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
                Array.Sort(pairs, static (x, y) => PythonOps.Compare(((TemplateTuple)x!)[0], ((TemplateTuple)y!)[0]));
                return pairs;
            case "selectattr" or "rejectattr":
                return SelectAttribute(PythonOps.Iterate(value), args, keep: name == "selectattr");
            case "map":
                return Map(PythonOps.Iterate(value), args);
            case "reverse":
                args.Expect(name);
                if (value is string text)
                {
                    return ValueAccess.Slice(text, null, null, -1L);
                }
                var reversed = new List<object?>(PythonOps.Iterate(value));
                reversed.Reverse();
                return reversed.ToArray();
            case "sort":
                args.Expect(name, "reverse");
                var sorted = new List<object?>(PythonOps.Iterate(value));
                sorted.Sort(PythonOps.Compare);
                if (PythonOps.IsTrue(args.Get(0, "reverse")))
                {
                    sorted.Reverse();
                }
                return sorted.ToArray();
            case "unique":
                args.Expect(name);
                var unique = new List<object?>();
                foreach (var item in PythonOps.Iterate(value))
                {
                    if (PythonOps.IndexOf(unique, item) < 0)
                    {
                        unique.Add(item);
                    }
                }
                return unique.ToArray();
            case "abs":
                args.Expect(name);
                return PythonOps.IsInteger(value) ? (object)Math.Abs(PythonOps.ToLong(value)) : Math.Abs(PythonOps.ToDouble(value));
            case "round":
                // jinja2 do_round with method="common" calls Python round(), which rounds half to even.
                args.Expect(name, "precision");
                return Math.Round(PythonOps.ToDouble(value), (int)PythonOps.ToLong(args.Get(0, "precision", 0L)), MidpointRounding.ToEven);
            case "safe":
                args.Expect(name);
                return value;
            case "indent":
                args.Expect(name, "width", "first", "blank");
                return Indent(PythonFormat.Str(value), args);
            default:
                throw new TemplateOperationException($"unknown filter '{name}'");
        }
    }

    private static object? Defined(object? value) =>
        value is Undefined u ? throw new TemplateOperationException(u.Hint) : value;

    private static string AsString(object? value, string filter) => value switch
    {
        string s => s,
        Undefined => "",
        _ => PythonFormat.Str(value),
    };

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

    private static string Join(IReadOnlyList<object?> items, string separator, object? attribute)
    {
        var parts = new string[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            var item = attribute is null ? items[i] : ValueAccess.GetAttribute(items[i], PythonFormat.Str(attribute));
            parts[i] = PythonFormat.Str(item);
        }
        return string.Join(separator, parts);
    }

    private static object? ToInt(object? value, object? fallback) => value switch
    {
        long or bool => PythonOps.ToLong(value),
        double d => double.IsFinite(d) ? (long)Math.Truncate(d) : fallback,
        string s when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l) => l,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) => (long)Math.Truncate(d),
        _ => fallback,
    };

    private static object? ToFloat(object? value, object? fallback) => value switch
    {
        long or bool or double => PythonOps.ToDouble(value),
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
        _ => fallback,
    };

    private static object?[] SelectAttribute(IReadOnlyList<object?> items, TemplateArguments args, bool keep)
    {
        if (args.Positional.Count < 1 || args.Named.Count > 0)
        {
            throw new TemplateOperationException("selectattr/rejectattr take an attribute name, then an optional test name and its arguments");
        }
        string attribute = PythonFormat.Str(args.Positional[0]);
        string? test = args.Positional.Count > 1 ? PythonFormat.Str(args.Positional[1]) : null;
        if (test is not null && !TemplateTests.IsKnown(test))
        {
            throw new TemplateOperationException($"unknown test '{test}'");
        }
        var testArgs = new TemplateArguments(Tail(args.Positional, 2), []);
        var result = new List<object?>();
        foreach (var item in items)
        {
            var attr = ValueAccess.GetAttribute(item, attribute);
            bool passed = test is null ? PythonOps.IsTrue(attr) : TemplateTests.Apply(test, attr, testArgs);
            if (passed == keep)
            {
                result.Add(item);
            }
        }
        return result.ToArray();
    }

    private static object?[] Map(IReadOnlyList<object?> items, TemplateArguments args)
    {
        var result = new object?[items.Count];
        if (args.Positional.Count == 0)
        {
            args.Expect("map", "attribute", "default");
            string attribute = PythonFormat.Str(args.Get(0, "attribute"));
            for (int i = 0; i < items.Count; i++)
            {
                var v = ValueAccess.GetAttribute(items[i], attribute);
                result[i] = v is Undefined && args.Has(1, "default") ? args.Get(1, "default") : v;
            }
            return result;
        }
        string filter = PythonFormat.Str(args.Positional[0]);
        if (!IsKnown(filter))
        {
            throw new TemplateOperationException($"unknown filter '{filter}'");
        }
        var filterArgs = new TemplateArguments(Tail(args.Positional, 1), args.Named);
        for (int i = 0; i < items.Count; i++)
        {
            result[i] = Apply(filter, items[i], filterArgs);
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

    private static string Indent(string text, TemplateArguments args)
    {
        string pad = args.Get(0, "width", 4L) is string s ? s : new string(' ', (int)PythonOps.ToLong(args.Get(0, "width", 4L)));
        bool first = PythonOps.IsTrue(args.Get(1, "first"));
        bool blank = PythonOps.IsTrue(args.Get(2, "blank"));
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
