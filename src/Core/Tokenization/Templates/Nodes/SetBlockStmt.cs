namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary><c>set target</c> ... <c>endset</c>: assigns the rendered body as a string.</summary>
internal sealed record SetBlockStmt(int Offset, AssignTarget Target, IReadOnlyList<Stmt> Body) : Stmt(Offset);
