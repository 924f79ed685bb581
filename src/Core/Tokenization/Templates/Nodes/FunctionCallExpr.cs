namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary>A call of a global function such as <c>namespace(...)</c> or <c>raise_exception(msg)</c>.</summary>
internal sealed record FunctionCallExpr(int Offset, string Name, CallArguments Arguments) : Expr(Offset);
