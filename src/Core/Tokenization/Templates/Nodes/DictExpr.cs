namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary>A dict literal, keys in source order.</summary>
internal sealed record DictExpr(int Offset, IReadOnlyList<KeyValuePair<Expr, Expr>> Items) : Expr(Offset);
