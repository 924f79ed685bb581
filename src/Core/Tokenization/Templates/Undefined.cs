namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// Jinja's default <c>Undefined</c>: a missing variable, dict key or attribute. It prints as the
/// empty string, is falsy, has length 0 and iterates as empty; taking an attribute or item of it,
/// or using it in arithmetic, fails with <see cref="Hint"/> (jinja2 runtime.py Undefined).
/// </summary>
internal sealed class Undefined
{
    private readonly string? _hint;
    private readonly object? _owner;
    private readonly string? _attribute;

    public Undefined(string hint) => _hint = hint;

    private Undefined(object? owner, string attribute)
    {
        _owner = owner;
        _attribute = attribute;
    }

    /// <summary>
    /// A missing attribute of <paramref name="owner"/>. Its hint is worded only when an error needs it: templates
    /// probe for attributes constantly (<c>message.tool_calls is defined</c>) and almost never print the hint.
    /// </summary>
    public static Undefined MissingAttribute(object? owner, string attribute) => new(owner, attribute);

    /// <summary>Jinja's wording, e.g. <c>'x' is undefined</c> or <c>'dict object' has no attribute 'k'</c>.</summary>
    public string Hint => _hint ?? _owner switch
    {
        IReadOnlyDictionary<string, object?> => $"'dict object' has no attribute '{_attribute}'",
        TemplateNamespace => $"'Namespace' has no attribute '{_attribute}'",
        _ => $"'{PythonFormat.TypeName(_owner)} object' has no attribute '{_attribute}'",
    };

    public override string ToString() => "";
}
