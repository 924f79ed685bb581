namespace DeepSeek.Sdk.Generation;

/// <summary>Steers one generation from outside the sampler. Before each new token is chosen the generation
/// loop asks the controller whether to sample it, to append tokens the controller supplies (forced tokens:
/// fed through the model and streamed like sampled ones, but never sampled), or to end. A reasoning pipeline
/// uses this to close a thinking trace when its budget runs out, or to stop where the trace ends.</summary>
/// <remarks>The loop asks only after the consumer has taken the previous update (the stream is pulled), so a
/// controller may decide from everything streamed so far. One controller serves one generation.</remarks>
public interface IGenerationController
{
    /// <summary>What to do for the next position of the sequence.</summary>
    GenerationDirective NextStep();
}
