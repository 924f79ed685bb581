namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// Jinja's default <c>Undefined</c>: a missing variable, dict key or attribute. It prints as the
/// empty string, is falsy, has length 0 and iterates as empty; taking an attribute or item of it,
/// or using it in arithmetic, fails with <see cref="Hint"/> (jinja2 runtime.py Undefined).
/// </summary>
internal sealed class Undefined
{
    public Undefined(string hint) => Hint = hint;

    /// <summary>Jinja's wording, e.g. <c>'x' is undefined</c> or <c>'dict object' has no attribute 'k'</c>.</summary>
    public string Hint { get; }

    public override string ToString() => "";
}
