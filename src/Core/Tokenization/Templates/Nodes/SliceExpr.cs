namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary><c>target[start:stop:step]</c> with Python slice semantics.</summary>
internal sealed record SliceExpr(int Offset, Expr Target, Expr? Start, Expr? Stop, Expr? Step) : Expr(Offset);
