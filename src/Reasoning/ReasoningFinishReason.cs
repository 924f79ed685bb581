namespace DeepSeek.Sdk.Reasoning;

/// <summary>Why a reasoning generation ended.</summary>
public enum ReasoningFinishReason
{
    /// <summary>The model ended its output (end-of-sequence token).</summary>
    StopToken,
    /// <summary>A stop string appeared.</summary>
    StopString,
    /// <summary><see cref="ReasoningOptions.MaxNewTokens"/> were generated (the trace may still be open).</summary>
    MaxTokens,
    /// <summary>The sequence filled the model's context window.</summary>
    ContextFull,
    /// <summary>The trace ended and <see cref="ReasoningOptions.StopAfterThinking"/> asked to stop there.</summary>
    EndOfThinking,
}
