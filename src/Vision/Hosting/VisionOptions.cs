using DeepSeek.Sdk.Hosting;
using DeepSeek.Sdk.Vision.Pipelines;

namespace DeepSeek.Sdk.Vision.Hosting;

/// <summary>What <c>AddVision(o => o with { ... })</c> configures on top of <c>DeepSeekOptions</c>: the Janus model and
/// the defaults of the two Janus pipelines.</summary>
public sealed record VisionOptions
{
    /// <summary>The Janus folder. Null takes <c>DeepSeekOptions.ModelPath</c> (an application serving one Janus
    /// model), and when that is not set either, the shipped <see cref="DefaultModel"/>. Set it when the application
    /// also serves a text model, whose folder is DeepSeekOptions.ModelPath.</summary>
    public string? ModelPath { get; init; }

    /// <summary>The shipped Janus model served when no folder is set (a name DefaultModels resolves).</summary>
    public string DefaultModel { get; init; } = DefaultModels.JanusTiny;

    /// <summary>Answer settings of <see cref="ImageUnderstandingPipeline"/>; null derives them from the model folder.</summary>
    public ImageUnderstandingPipelineOptions? Understanding { get; init; }

    /// <summary>Defaults of <see cref="ImageGenerationPipeline"/> for requests that give none.</summary>
    public ImageGenerationOptions Generation { get; init; } = new();
}
