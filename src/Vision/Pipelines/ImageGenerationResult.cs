using DeepSeek.Sdk.Imaging;

namespace DeepSeek.Sdk.Vision.Pipelines;

/// <summary>The images of one request with the token grids they were decoded from (row-major, codebook ids).</summary>
public sealed record ImageGenerationResult(IReadOnlyList<ImageBuffer> Images, IReadOnlyList<int[]> ImageTokens, int PromptTokens, TimeSpan QueueTime, TimeSpan Duration)
{
    /// <summary>Image tokens sampled per second over the token stage, all images together.</summary>
    public double TokensPerSecond { get; init; }
}
