namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>The <c>is</c> tests (jinja2 tests.py) that chat templates use.</summary>
internal static class TemplateTests
{
    private static readonly HashSet<string> Names =
    [
        "defined", "undefined", "none", "string", "mapping", "iterable", "sequence", "number", "integer",
        "float", "boolean", "true", "false", "equalto", "eq", "==", "ne", "!=", "sameas", "odd", "even",
        "divisibleby", "in", "lower", "upper", "gt", "lt", "ge", "le", "callable",
    ];

    public static bool IsKnown(string name) => Names.Contains(name);

    public static bool Apply(string name, object? value, TemplateArguments args, RenderBudget budget)
    {
        object? Arg()
        {
            args.Expect(name, "other");
            return args.Has(0, "other") ? args.Get(0, "other") : throw new TemplateOperationException($"test '{name}' needs an argument");
        }

        switch (name)
        {
            case "defined": return value is not Undefined;
            case "undefined": return value is Undefined;
            case "none": return value is null;
            case "string": return value is string;
            case "mapping": return value is IReadOnlyDictionary<string, object?>;
            case "iterable": return value is string or IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> or Undefined;
            case "sequence": return value is string or IReadOnlyList<object?> or IReadOnlyDictionary<string, object?>;
            case "number": return value is long or double or bool;
            case "integer": return value is long;
            case "float": return value is double;
            case "boolean": return value is bool;
            case "true": return value is true;
            case "false": return value is false;
            case "lower": return value is string l && Cased(l, budget) == l.ToLowerInvariant();
            case "upper": return value is string u && Cased(u, budget) == u.ToUpperInvariant();
            case "odd": return PythonOps.ToLong(value) % 2 != 0;
            case "even": return PythonOps.ToLong(value) % 2 == 0;
            case "callable": return false;
            case "divisibleby": return DivisibleBy(PythonOps.ToLong(value), PythonOps.ToLong(Arg()));
            case "equalto" or "eq" or "==": return PythonOps.Equals(value, Arg(), budget);
            case "ne" or "!=": return !PythonOps.Equals(value, Arg(), budget);
            case "sameas":
                var other = Arg();
                return value is null || value is bool || other is null || other is bool ? Equals(value, other) : ReferenceEquals(value, other);
            case "in": return PythonOps.Contains(Arg(), value, budget);
            case "gt": return PythonOps.Compare(value, Arg(), budget) > 0;
            case "lt": return PythonOps.Compare(value, Arg(), budget) < 0;
            case "ge": return PythonOps.Compare(value, Arg(), budget) >= 0;
            case "le": return PythonOps.Compare(value, Arg(), budget) <= 0;
            default: throw new TemplateOperationException($"unknown test '{name}'");
        }
    }

    // Case tests copy the string; selectattr may ask them of many long strings in one operation.
    private static string Cased(string s, RenderBudget budget)
    {
        budget.Charge(4L * s.Length);
        return s;
    }

    // x % 0 is Python's ZeroDivisionError, and long.MinValue % -1 overflows in .NET though its remainder is 0.
    private static bool DivisibleBy(long value, long divisor) => divisor switch
    {
        0 => throw new TemplateOperationException("integer division or modulo by zero"),
        -1 => true,
        _ => value % divisor == 0,
    };
}
