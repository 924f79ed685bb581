namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary>A variable reference.</summary>
internal sealed record NameExpr(int Offset, string Name) : Expr(Offset);
