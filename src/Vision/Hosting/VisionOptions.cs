using DeepSeek.Sdk.Vision.Pipelines;

namespace DeepSeek.Sdk.Vision.Hosting;

/// <summary>What <c>AddVision(o => o with { ... })</c> configures on top of <c>DeepSeekOptions</c> (whose ModelPath must be
/// a Janus folder): the defaults of the two Janus pipelines.</summary>
public sealed record VisionOptions
{
    /// <summary>Answer settings of <see cref="ImageUnderstandingPipeline"/>; null derives them from the model folder.</summary>
    public ImageUnderstandingPipelineOptions? Understanding { get; init; }

    /// <summary>Defaults of <see cref="ImageGenerationPipeline"/> for requests that give none.</summary>
    public ImageGenerationOptions Generation { get; init; } = new();
}
