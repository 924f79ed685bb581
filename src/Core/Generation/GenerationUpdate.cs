namespace DeepSeek.Sdk.Generation;

/// <summary>One step of a streamed generation: the sampled token and the text it completed (possibly
/// empty while a multi-byte character or a possible stop string is pending). The last update has
/// <see cref="FinishReason"/> set.</summary>
public sealed record GenerationUpdate(int TokenId, string Text, FinishReason FinishReason)
{
    /// <summary>Token id of an update that carries only flushed text or the finish reason.</summary>
    public const int NoToken = -1;

    /// <summary>True when an <see cref="IGenerationController"/> supplied the token instead of the sampler.</summary>
    public bool IsForced { get; init; }
}
