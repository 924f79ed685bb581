namespace DeepSeek.Sdk.Reasoning;

/// <summary>One event of a streamed reasoning request: <see cref="ReasoningDelta"/>s while the model thinks,
/// one <see cref="ThinkingCompleted"/> when the trace ends, <see cref="AnswerDelta"/>s while it answers, and a
/// last <see cref="ReasoningCompleted"/> with the whole result.</summary>
public abstract record ReasoningUpdate;
