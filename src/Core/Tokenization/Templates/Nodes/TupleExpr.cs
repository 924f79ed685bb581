namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary>A tuple literal, <c>(a, b)</c>.</summary>
internal sealed record TupleExpr(int Offset, IReadOnlyList<Expr> Items) : Expr(Offset);
