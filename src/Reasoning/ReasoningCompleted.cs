namespace DeepSeek.Sdk.Reasoning;

/// <summary>The last update of a stream: the whole result.</summary>
public sealed record ReasoningCompleted(ReasoningResult Result) : ReasoningUpdate;
