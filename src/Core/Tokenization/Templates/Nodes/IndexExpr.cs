namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary><c>target[index]</c>.</summary>
internal sealed record IndexExpr(int Offset, Expr Target, Expr Index) : Expr(Offset);
