namespace DeepSeek.Sdk.Generation;

/// <summary>What to generate and when to stop.</summary>
public sealed record GenerationOptions
{
    public int MaxNewTokens { get; init; } = 256;

    public SamplingOptions Sampling { get; init; } = new();

    /// <summary>Token ids that end generation (typically the model's EOS); they are not part of the text.</summary>
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];

    /// <summary>Strings that end generation; the text is cut before them, even when they arrive split across tokens.</summary>
    public IReadOnlyList<string> StopStrings { get; init; } = [];
}
