namespace DeepSeek.Sdk.Generation;

/// <summary>A prompt does not fit the model's context window (with room for at least one new token).</summary>
public sealed class ContextLengthExceededException(int promptTokens, int maxContextLength)
    : DeepSeekException($"The prompt has {promptTokens} tokens but the model's context window holds {maxContextLength} positions (the prompt must leave room for at least one new token).")
{
    public int PromptTokens { get; } = promptTokens;

    public int MaxContextLength { get; } = maxContextLength;
}
