namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary><c>{{ expr }}</c>.</summary>
internal sealed record OutputStmt(int Offset, Expr Value) : Stmt(Offset);
