namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary>A method call such as <c>text.split('x')</c> or <c>message.get('k')</c>.</summary>
internal sealed record MethodCallExpr(int Offset, Expr Target, string Name, CallArguments Arguments) : Expr(Offset);
