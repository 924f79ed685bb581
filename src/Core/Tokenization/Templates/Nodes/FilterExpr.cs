namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary><c>input | name(args)</c>.</summary>
internal sealed record FilterExpr(int Offset, Expr Input, string Name, CallArguments Arguments) : Expr(Offset);
