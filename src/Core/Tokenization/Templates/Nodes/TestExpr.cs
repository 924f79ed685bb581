namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary><c>input is [not] name(args)</c>.</summary>
internal sealed record TestExpr(int Offset, Expr Input, string Name, CallArguments Arguments, bool Negated) : Expr(Offset);
