namespace DeepSeek.Sdk.Reasoning;

/// <summary>More text of the answer (never empty).</summary>
public sealed record AnswerDelta(string Text) : ReasoningUpdate;
