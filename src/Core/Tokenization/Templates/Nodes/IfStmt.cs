namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary><c>if</c>/<c>elif</c> branches in order, then the optional <c>else</c> body.</summary>
internal sealed record IfStmt(int Offset, IReadOnlyList<IfBranch> Branches, IReadOnlyList<Stmt>? Otherwise) : Stmt(Offset);
