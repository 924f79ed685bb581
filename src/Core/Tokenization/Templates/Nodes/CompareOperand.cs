namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary>One <c>operator operand</c> link of a comparison chain.</summary>
internal sealed record CompareOperand(string Operator, Expr Operand);
