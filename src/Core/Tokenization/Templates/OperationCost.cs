namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// The work an operation is charged against <see cref="TemplateLimits.MaxProcessedBytes"/>: the result it built
/// (<see cref="RenderBudget.SizeOf"/>: 2 bytes a character, 8 an item) and the operands it reads through: 2 bytes
/// a character, 8 an item a comparison or membership test visits, and <see cref="ItemVisit"/> an item a filter or
/// method visits, since each goes through a call (an attribute lookup, a test, a filter) that costs far more than
/// its 8-byte reference. String comparisons and searches inside lists charge themselves (<see cref="PythonOps"/>).
/// </summary>
/// <remarks>
/// Operations that take constant time whatever their operand's size (a type test, <c>default</c>, a list's
/// length, a dict lookup) are not charged for the operand: templates ask them of the conversation in every
/// iteration of a loop over it, and charging the whole operand each time would cost a long conversation
/// quadratically. Everything that reads a whole string, list or dict is charged for it.
/// </remarks>
internal static class OperationCost
{
    private static readonly HashSet<string> ConstantTimeTests =
    [
        "defined", "undefined", "none", "string", "mapping", "iterable", "sequence", "number", "integer", "float",
        "boolean", "true", "false", "callable", "odd", "even", "divisibleby", "sameas",
    ];

    // Filters that pass an existing value on, or pick one end of it.
    private static readonly HashSet<string> ConstantTimeFilters = ["default", "d", "safe", "first", "last"];

    /// <summary>Bytes charged for each item of a list or dict that a filter or method walks.</summary>
    public const long ItemVisit = 64;

    /// <summary>What a filter costs; null when it is constant time (nothing to charge).</summary>
    public static long? Filter(string name, object? input, TemplateArguments args, object? result)
    {
        if (ConstantTimeFilters.Contains(name))
        {
            return null;
        }
        // A list's or dict's length is stored; a string's is counted in code points.
        long read = name is "length" or "count" ? StringSize(input) : WalkedSize(input);
        return RenderBudget.SizeOf(result) + read + ArgumentsSize(args);
    }

    /// <summary>What a test costs; null when it looks only at the value's type or identity.</summary>
    public static long? Test(string name, object? input, TemplateArguments args) =>
        ConstantTimeTests.Contains(name) ? null : 8 + StringSize(input) + ArgumentsSize(args);

    /// <summary>What a method costs.</summary>
    public static long Method(string name, object? target, TemplateArguments args, object? result)
    {
        long read = target switch
        {
            // startswith/endswith read as much of the string as the affix is long (charged as they compare).
            string when name is "startswith" or "endswith" => 0,
            string s => 2L * s.Length,
            IReadOnlyDictionary<string, object?> when name == "get" => 0,
            _ => WalkedSize(target),
        };
        return RenderBudget.SizeOf(result) + read + ArgumentsSize(args);
    }

    /// <summary>The bytes of a string's characters, or 0 for anything else.</summary>
    public static long StringSize(object? value) => value is string s ? 2L * s.Length : 0;

    /// <summary>The work of a filter or method walking a value: its characters, or its items (a range computes its items).</summary>
    public static long WalkedSize(object? value) => value switch
    {
        string s => 2L * s.Length,
        IReadOnlyList<object?> list => ItemVisit * list.Count,
        IReadOnlyDictionary<string, object?> dict => ItemVisit * dict.Count,
        TemplateNamespace ns => ItemVisit * ns.Attributes.Count,
        _ => 0,
    };

    /// <summary>The work of a comparison or membership test over a list or dict: 8 bytes an item (strings charge themselves).</summary>
    public static long ComparedSize(object? value) => value switch
    {
        TemplateRange => 8,
        IReadOnlyList<object?> list => 8L * list.Count,
        IReadOnlyDictionary<string, object?> dict => 8L * dict.Count,
        _ => 8,
    };

    private static long ArgumentsSize(TemplateArguments args)
    {
        long bytes = 0;
        foreach (var value in args.Positional)
        {
            bytes += WalkedSize(value);
        }
        foreach (var (_, value) in args.Named)
        {
            bytes += WalkedSize(value);
        }
        return bytes;
    }
}
