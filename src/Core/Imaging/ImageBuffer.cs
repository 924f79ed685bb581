namespace DeepSeek.Sdk.Imaging;

/// <summary>A decoded image: 8-bit channels interleaved (RGB or RGBA), rows stored top to bottom with no padding,
/// so pixel (x, y) starts at <c>(y * Width + x) * Channels</c>.</summary>
public sealed class ImageBuffer
{
    private readonly byte[] _pixels;

    /// <summary>A new image with every byte zero (black, and transparent for RGBA).</summary>
    public ImageBuffer(int width, int height, ImagePixelFormat pixelFormat)
        : this(width, height, pixelFormat, null)
    {
    }

    private ImageBuffer(int width, int height, ImagePixelFormat pixelFormat, byte[]? pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (pixelFormat is not (ImagePixelFormat.Rgb24 or ImagePixelFormat.Rgba32))
            throw new ArgumentOutOfRangeException(nameof(pixelFormat), pixelFormat, "unknown pixel format");
        int channels = ChannelsOf(pixelFormat);
        long length = (long)width * height * channels;
        if (length > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(width), $"{width} x {height} x {channels} bytes exceeds the largest array");
        if (pixels is not null && pixels.Length != length)
            throw new ArgumentException($"expected {length} bytes for {width} x {height} {pixelFormat}, got {pixels.Length}", nameof(pixels));
        Width = width;
        Height = height;
        PixelFormat = pixelFormat;
        _pixels = pixels ?? new byte[length];
    }

    public int Width { get; }

    public int Height { get; }

    public ImagePixelFormat PixelFormat { get; }

    /// <summary>3 for <see cref="ImagePixelFormat.Rgb24"/>, 4 for <see cref="ImagePixelFormat.Rgba32"/>.</summary>
    public int Channels => ChannelsOf(PixelFormat);

    /// <summary>Bytes in one row: <c>Width * Channels</c>.</summary>
    public int RowBytes => Width * Channels;

    /// <summary>All pixels, row after row.</summary>
    public Span<byte> Pixels => _pixels;

    /// <summary>The pixels of row <paramref name="y"/>.</summary>
    public Span<byte> GetRow(int y)
    {
        if ((uint)y >= (uint)Height)
            throw new ArgumentOutOfRangeException(nameof(y), y, $"row outside 0..{Height - 1}");
        return _pixels.AsSpan(y * RowBytes, RowBytes);
    }

    /// <summary>A copy of <paramref name="pixels"/> (interleaved, rows packed) as an image.</summary>
    public static ImageBuffer FromPixels(ReadOnlySpan<byte> pixels, int width, int height, ImagePixelFormat pixelFormat)
    {
        var image = new ImageBuffer(width, height, pixelFormat);
        if (pixels.Length != image._pixels.Length)
            throw new ArgumentException($"expected {image._pixels.Length} bytes for {width} x {height} {pixelFormat}, got {pixels.Length}", nameof(pixels));
        pixels.CopyTo(image._pixels);
        return image;
    }

    /// <summary>Wraps <paramref name="pixels"/> without copying; the caller gives up the array.</summary>
    internal static ImageBuffer Wrap(byte[] pixels, int width, int height, ImagePixelFormat pixelFormat) =>
        new(width, height, pixelFormat, pixels);

    /// <summary>This image as RGB: the same object when it already is, otherwise a copy with alpha dropped (not
    /// composited), as Pillow's <c>convert("RGB")</c>.</summary>
    public ImageBuffer ToRgb24()
    {
        if (PixelFormat == ImagePixelFormat.Rgb24)
            return this;
        var result = new ImageBuffer(Width, Height, ImagePixelFormat.Rgb24);
        var src = _pixels.AsSpan();
        var dst = result._pixels.AsSpan();
        for (int i = 0, j = 0; j < dst.Length; i += 4, j += 3)
        {
            dst[j] = src[i];
            dst[j + 1] = src[i + 1];
            dst[j + 2] = src[i + 2];
        }
        return result;
    }

    /// <summary>This image as RGBA: the same object when it already is, otherwise a copy with alpha 255.</summary>
    public ImageBuffer ToRgba32()
    {
        if (PixelFormat == ImagePixelFormat.Rgba32)
            return this;
        var result = new ImageBuffer(Width, Height, ImagePixelFormat.Rgba32);
        var src = _pixels.AsSpan();
        var dst = result._pixels.AsSpan();
        for (int i = 0, j = 0; i < src.Length; i += 3, j += 4)
        {
            dst[j] = src[i];
            dst[j + 1] = src[i + 1];
            dst[j + 2] = src[i + 2];
            dst[j + 3] = 255;
        }
        return result;
    }

    /// <summary>A copy of the pixels.</summary>
    public byte[] ToArray() => (byte[])_pixels.Clone();

    internal byte[] PixelArray => _pixels;

    internal static int ChannelsOf(ImagePixelFormat pixelFormat) => pixelFormat == ImagePixelFormat.Rgba32 ? 4 : 3;
}
