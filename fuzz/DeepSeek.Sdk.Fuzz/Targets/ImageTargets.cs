using DeepSeek.Sdk.Imaging;

namespace DeepSeek.Sdk.Fuzzing;

/// <summary>An input is a PNG or a JPEG file. Each target keeps to its own format (an input whose signature says
/// otherwise is skipped, so that the fuzzer spends its time inside one decoder) and decodes it as the vision
/// preprocessing does: identify, then decode to RGB with the EXIF orientation applied; a PNG that decodes is decoded
/// again to RGBA, the other pixel-conversion path.</summary>
public static class ImageTargets
{
    /// <summary>4 Mpixel (a 2048 x 2048 image): mutated headers that declare huge images would otherwise make each run
    /// allocate hundreds of megabytes before the data runs out, which is legitimate under the default limit
    /// (<see cref="ImageDecodeOptions.DefaultMaxPixelCount"/>) and only slows the search; the limit itself is tested in
    /// CorruptImageTests.</summary>
    public const long MaxPixelCount = 1L << 22;

    private static readonly ImageDecodeOptions s_rgb = ImageDecodeOptions.Default with { MaxPixelCount = MaxPixelCount };
    private static readonly ImageDecodeOptions s_rgba = s_rgb with { PixelFormat = ImagePixelFormat.Rgba32 };

    public static FuzzTarget Png() => new("png", "a PNG file", input => Run(input, ImageFileFormat.Png));

    public static FuzzTarget Jpeg() => new("jpeg", "a JPEG file (baseline, extended, progressive)", input => Run(input, ImageFileFormat.Jpeg));

    private static void Run(byte[] input, ImageFileFormat format)
    {
        if (ImageCodecs.DetectFormat(input) != format)
            return;
        var info = ImageCodecs.Identify(input);
        var image = ImageCodecs.Decode(input, s_rgb);
        // Identify and decode read the same header; an EXIF rotation may swap the sides.
        if ((image.Width, image.Height) != (info.Width, info.Height) && (image.Width, image.Height) != (info.Height, info.Width))
            throw new InvalidOperationException($"decoded {image.Width}x{image.Height} but identified {info.Width}x{info.Height}");
        if (format == ImageFileFormat.Png)
            ImageCodecs.Decode(input, s_rgba);
    }
}
