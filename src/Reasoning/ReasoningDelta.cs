namespace DeepSeek.Sdk.Reasoning;

/// <summary>More text of the thinking trace (never empty).</summary>
public sealed record ReasoningDelta(string Text) : ReasoningUpdate;
