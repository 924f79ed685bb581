namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary>An expression, evaluated to a template value.</summary>
internal abstract record Expr(int Offset) : Node(Offset);
