namespace DeepSeek.Sdk.Generation;

/// <summary>Why generation ended.</summary>
public enum FinishReason
{
    /// <summary>Not finished yet.</summary>
    None,
    /// <summary>A stop token was sampled.</summary>
    StopToken,
    /// <summary>A stop string appeared in the text.</summary>
    StopString,
    /// <summary><see cref="GenerationOptions.MaxNewTokens"/> were generated.</summary>
    MaxTokens,
    /// <summary>The sequence filled the model's context window.</summary>
    ContextFull,
    /// <summary>The generation's <see cref="IGenerationController"/> ended it (for example a reasoning
    /// pipeline stopping where the thinking trace ends).</summary>
    Stopped,
}
