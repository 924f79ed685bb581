using DeepSeek.Sdk.Generation;

namespace DeepSeek.Sdk.Text.Pipelines;

/// <summary>One step of a streamed generation: the new text (possibly empty while a character or a possible stop
/// string is held back) and the token sampled. The last update has <see cref="FinishReason"/> and
/// <see cref="Statistics"/> set.</summary>
public sealed record TextGenerationUpdate(string Text, int TokenId, FinishReason FinishReason)
{
    /// <summary>Set on the last update only.</summary>
    public GenerationStatistics? Statistics { get; init; }

    public bool IsFinal => FinishReason != FinishReason.None;
}
