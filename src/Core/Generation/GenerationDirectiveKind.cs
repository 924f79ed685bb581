namespace DeepSeek.Sdk.Generation;

/// <summary>What an <see cref="IGenerationController"/> asks the generation loop to do next.</summary>
public enum GenerationDirectiveKind
{
    /// <summary>Choose the next token with the sampler, as without a controller.</summary>
    Sample,
    /// <summary>Append the directive's tokens without sampling them.</summary>
    Force,
    /// <summary>End the generation (<see cref="FinishReason.Stopped"/>).</summary>
    Stop,
}
