namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary>A statement: literal text, an output tag or a block tag.</summary>
internal abstract record Stmt(int Offset) : Node(Offset);
