namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary><c>for targets in iterable [if filter]</c> with an optional <c>else</c> body run when nothing was iterated.</summary>
internal sealed record ForStmt(int Offset, IReadOnlyList<string> Targets, Expr Iterable, Expr? Filter, IReadOnlyList<Stmt> Body, IReadOnlyList<Stmt>? Otherwise) : Stmt(Offset);
