namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary>One <c>if</c> or <c>elif</c> condition with its body.</summary>
internal sealed record IfBranch(Expr Condition, IReadOnlyList<Stmt> Body);
