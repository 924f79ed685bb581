namespace DeepSeek.Sdk.Vision.Pipelines;

/// <summary>What an image generation is doing when it reports progress.</summary>
public enum ImageGenerationStage
{
    /// <summary>Sampling the grid of image tokens (every image of the request advances together).</summary>
    GeneratingTokens,

    /// <summary>Turning finished token grids into pixels with the VQ decoder, one image at a time.</summary>
    DecodingImages,
}
