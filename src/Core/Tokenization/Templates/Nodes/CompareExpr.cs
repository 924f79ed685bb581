namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary>A comparison chain <c>a &lt; b &lt;= c</c>, also <c>in</c> and <c>not in</c>.</summary>
internal sealed record CompareExpr(int Offset, Expr First, IReadOnlyList<CompareOperand> Rest) : Expr(Offset);
