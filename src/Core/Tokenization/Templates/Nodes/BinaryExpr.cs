namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary>Arithmetic (<c>+ - * / // % **</c>), concatenation (<c>~</c>) or the short-circuit <c>and</c>/<c>or</c>.</summary>
internal sealed record BinaryExpr(int Offset, string Operator, Expr Left, Expr Right) : Expr(Offset);
