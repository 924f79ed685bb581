using System.Globalization;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// Global functions: Jinja's <c>namespace</c>, <c>range</c> and <c>dict</c>, and the
/// <c>raise_exception</c> and <c>strftime_now</c> that transformers adds (chat_template_utils.py).
/// </summary>
internal static class TemplateFunctions
{
    private static readonly HashSet<string> Names = ["namespace", "range", "dict", "raise_exception", "strftime_now"];

    public static bool IsKnown(string name) => Names.Contains(name);

    /// <summary>Calls a function other than <c>raise_exception</c>, which the evaluator handles itself.</summary>
    public static object? Call(string name, TemplateArguments args, Func<DateTime> clock, RenderBudget budget)
    {
        switch (name)
        {
            case "namespace":
            case "dict":
                var ns = new TemplateNamespace();
                foreach (var value in args.Positional)
                {
                    if (value is not IReadOnlyDictionary<string, object?> initial)
                    {
                        throw new TemplateOperationException($"{name}() positional argument must be a mapping");
                    }
                    foreach (var (k, v) in initial)
                    {
                        ns.Attributes[k] = v;
                    }
                }
                foreach (var (k, v) in args.Named)
                {
                    ns.Attributes[k] = v;
                }
                return name == "namespace" ? ns : new OrderedDictionary<string, object?>(ns.Attributes, StringComparer.Ordinal);
            case "range":
                return Range(args, budget);
            case "strftime_now":
                args.Expect(name, "format");
                return Strftime.Format(clock(), PythonFormat.Str(args.Get(0, "format"), budget), budget);
            default:
                throw new TemplateOperationException($"unknown function '{name}'");
        }
    }

    private static TemplateRange Range(TemplateArguments args, RenderBudget budget)
    {
        if (args.Named.Count > 0 || args.Positional.Count is 0 or > 3)
        {
            throw new TemplateOperationException("range() takes 1 to 3 positional arguments");
        }
        var p = args.Positional;
        long start = p.Count == 1 ? 0 : PythonOps.ToLong(p[0]);
        long stop = PythonOps.ToLong(p.Count == 1 ? p[0] : p[1]);
        long step = p.Count == 3 ? PythonOps.ToLong(p[2]) : 1;
        if (step == 0)
        {
            throw new TemplateOperationException("range() arg 3 must not be zero");
        }
        return TemplateRange.Create(start, stop, step, budget.Limits.MaxRangeLength);
    }
}
