namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary><c>set target = value</c>.</summary>
internal sealed record SetStmt(int Offset, AssignTarget Target, Expr Value) : Stmt(Offset);
