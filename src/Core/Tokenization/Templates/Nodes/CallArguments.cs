namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary>Positional and keyword arguments of a call, filter or test.</summary>
internal sealed record CallArguments(IReadOnlyList<Expr> Positional, IReadOnlyList<KeyValuePair<string, Expr>> Named)
{
    public static readonly CallArguments None = new([], []);
}
