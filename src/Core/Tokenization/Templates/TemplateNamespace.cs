namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// The object <c>namespace(...)</c> returns: the one value whose attributes <c>set ns.attr = x</c>
/// may change, which is how templates carry state out of a for loop's scope.
/// </summary>
internal sealed class TemplateNamespace
{
    public OrderedDictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);
}
