using System.IO.Compression;

namespace DeepSeek.Sdk.Imaging;

/// <summary>How <see cref="ImageCodecs.EncodePng(ImageBuffer, PngEncodeOptions?)"/> writes.</summary>
public sealed record PngEncodeOptions
{
    public static PngEncodeOptions Default { get; } = new();

    /// <summary>Deflate effort; <see cref="CompressionLevel.Optimal"/> by default.</summary>
    public CompressionLevel CompressionLevel { get; init; } = CompressionLevel.Optimal;

    /// <summary>Pick each scanline's filter by the minimum-sum-of-absolute-differences heuristic (PNG Specification,
    /// section 12.8, as libpng does); false writes every scanline unfiltered.</summary>
    public bool AdaptiveFilter { get; init; } = true;
}
