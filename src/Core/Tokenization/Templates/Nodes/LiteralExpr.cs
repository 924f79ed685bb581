namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary>A constant: None, a bool, a long, a double or a string.</summary>
internal sealed record LiteralExpr(int Offset, object? Value) : Expr(Offset);
