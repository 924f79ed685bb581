namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary>Literal template text, already trimmed by the whitespace rules.</summary>
internal sealed record TextStmt(int Offset, string Text) : Stmt(Offset);
