namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary><c>then if test else otherwise</c>; a missing else yields undefined, as in Jinja.</summary>
internal sealed record ConditionalExpr(int Offset, Expr Test, Expr Then, Expr? Otherwise) : Expr(Offset);
