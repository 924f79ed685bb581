namespace DeepSeek.Sdk.Imaging;

/// <summary>The layout of an <see cref="ImageBuffer"/>: 8 bits per channel, channels interleaved, rows packed
/// with no padding between them.</summary>
public enum ImagePixelFormat
{
    /// <summary>Three bytes per pixel: red, green, blue. What Pillow's <c>Image.convert("RGB")</c> gives and what
    /// vision preprocessing consumes.</summary>
    Rgb24 = 0,

    /// <summary>Four bytes per pixel: red, green, blue, alpha (straight, not premultiplied), as Pillow's
    /// <c>Image.convert("RGBA")</c>.</summary>
    Rgba32 = 1,
}
