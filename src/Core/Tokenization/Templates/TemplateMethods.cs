namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// Methods callable on values: Python <c>str</c> and <c>dict</c> methods, and <c>loop.cycle</c>.
/// A name not listed is rejected at parse time; a listed name called on the wrong type fails at
/// render time the way Python would (<c>'list object' has no attribute 'strip'</c>).
/// </summary>
internal static class TemplateMethods
{
    private static readonly HashSet<string> Names =
    [
        "split", "rsplit", "startswith", "endswith", "strip", "lstrip", "rstrip", "replace", "upper",
        "lower", "title", "capitalize", "format", "find", "count", "join", "splitlines", "isdigit",
        "items", "keys", "values", "get", "cycle",
    ];

    public static bool IsKnown(string name) => Names.Contains(name);

    public static object? Call(object? target, string name, TemplateArguments args, RenderBudget budget) => target switch
    {
        Undefined u => throw new TemplateOperationException(u.Hint),
        string s => CallString(s, name, args, budget),
        IReadOnlyDictionary<string, object?> dict => CallDict(dict, name, args, budget),
        TemplateNamespace ns => CallDict(ns.Attributes, name, args, budget),
        LoopContext loop when name == "cycle" => loop.Cycle(args.Positional),
        _ => throw NoSuch(target, name),
    };

    private static TemplateOperationException NoSuch(object? target, string name) =>
        new($"'{PythonFormat.TypeName(target)} object' has no attribute '{name}'");

    private static object? CallString(string s, string name, TemplateArguments args, RenderBudget budget)
    {
        switch (name)
        {
            case "split" or "rsplit":
                args.Expect(name, "sep", "maxsplit");
                return StringMethods.Split(s, args.Get(0, "sep"), args.Get(1, "maxsplit"), fromRight: name == "rsplit", budget);
            case "startswith" or "endswith":
                args.Expect(name, "prefix");
                return StringMethods.Affix(s, args.Get(0, "prefix"), start: name == "startswith", budget);
            case "strip":
                args.Expect(name, "chars");
                return StringMethods.Strip(s, args.Get(0, "chars"), left: true, right: true);
            case "lstrip":
                args.Expect(name, "chars");
                return StringMethods.Strip(s, args.Get(0, "chars"), left: true, right: false);
            case "rstrip":
                args.Expect(name, "chars");
                return StringMethods.Strip(s, args.Get(0, "chars"), left: false, right: true);
            case "replace":
                args.Expect(name, "old", "new", "count");
                return StringMethods.Replace(s, args.Get(0, "old"), args.Get(1, "new"), args.Get(2, "count"), budget);
            case "upper":
                args.Expect(name);
                return s.ToUpperInvariant();
            case "lower":
                args.Expect(name);
                return s.ToLowerInvariant();
            case "title":
                args.Expect(name);
                return StringMethods.Title(s);
            case "capitalize":
                args.Expect(name);
                return StringMethods.Capitalize(s);
            case "format":
                return StringMethods.Format(s, args, budget);
            case "find":
                args.Expect(name, "sub");
                int at = s.IndexOf(PythonFormat.Str(args.Get(0, "sub"), budget), StringComparison.Ordinal);
                return at < 0 ? -1L : (long)PythonOps.CodePointCount(s.AsSpan(0, at));
            case "count":
                args.Expect(name, "sub");
                return StringMethods.Count(s, PythonFormat.Str(args.Get(0, "sub"), budget));
            case "join":
                args.Expect(name, "iterable");
                var items = PythonOps.Iterate(args.Get(0, "iterable"), budget);
                var parts = new string[items.Count];
                long length = Math.Max(0, parts.Length - 1) * (long)s.Length;
                budget.CheckString(length, "str.join");
                for (int i = 0; i < parts.Length; i++)
                {
                    parts[i] = items[i] as string ?? throw new TemplateOperationException($"sequence item {i}: expected str instance, {PythonFormat.TypeName(items[i])} found");
                    length += parts[i].Length;
                    budget.CheckString(length, "str.join");
                }
                return string.Join(s, parts);
            case "splitlines":
                args.Expect(name);
                return StringMethods.SplitLines(s, budget);
            case "isdigit":
                args.Expect(name);
                return s.Length > 0 && s.All(char.IsDigit);
            default:
                throw NoSuch(s, name);
        }
    }

    private static object? CallDict(IReadOnlyDictionary<string, object?> dict, string name, TemplateArguments args, RenderBudget budget)
    {
        switch (name)
        {
            case "items":
                args.Expect(name);
                return TemplateFilters.Items(dict);
            case "keys":
                args.Expect(name);
                return PythonOps.Iterate(dict, budget);
            case "values":
                args.Expect(name);
                var values = new object?[dict.Count];
                int i = 0;
                foreach (var value in dict.Values)
                {
                    values[i++] = value;
                }
                return values;
            case "get":
                args.Expect(name, "key", "default");
                return args.Get(0, "key") is string key && dict.TryGetValue(key, out var found) ? found : args.Get(1, "default");
            default:
                throw NoSuch(dict, name);
        }
    }
}
