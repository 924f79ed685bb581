namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>The <c>loop</c> variable of a for loop (jinja2 runtime.py LoopContext).</summary>
internal sealed class LoopContext(IReadOnlyList<object?> items)
{
    public int Index0 { get; set; }

    public int Length => items.Count;

    public object? Get(string name) => name switch
    {
        "index" => (long)Index0 + 1,
        "index0" => (long)Index0,
        "revindex" => (long)(Length - Index0),
        "revindex0" => (long)(Length - Index0 - 1),
        "first" => Index0 == 0,
        "last" => Index0 == Length - 1,
        "length" => (long)Length,
        "depth" => 1L,
        "depth0" => 0L,
        "previtem" => Index0 > 0 ? items[Index0 - 1] : new Undefined("there is no previous item"),
        "nextitem" => Index0 + 1 < Length ? items[Index0 + 1] : new Undefined("there is no next item"),
        _ => new Undefined($"'LoopContext' has no attribute '{name}'"),
    };

    /// <summary><c>loop.cycle(a, b, ...)</c>: the argument at the current index modulo the count.</summary>
    public object? Cycle(IReadOnlyList<object?> values)
    {
        if (values.Count == 0)
        {
            throw new TemplateOperationException("loop.cycle() needs at least one value");
        }
        return values[Index0 % values.Count];
    }
}
