namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary>A list literal.</summary>
internal sealed record ListExpr(int Offset, IReadOnlyList<Expr> Items) : Expr(Offset);
