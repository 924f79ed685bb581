namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary><c>break</c> or <c>continue</c> (jinja2.ext.loopcontrols, which transformers enables).</summary>
internal sealed record LoopControlStmt(int Offset, bool IsBreak) : Stmt(Offset);
