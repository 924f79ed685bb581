namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary><c>target.name</c>: a dict key, namespace attribute or loop variable.</summary>
internal sealed record AttributeExpr(int Offset, Expr Target, string Name) : Expr(Offset);
