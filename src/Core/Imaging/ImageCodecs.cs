using DeepSeek.Sdk.Imaging.Jpeg;
using DeepSeek.Sdk.Imaging.Png;

namespace DeepSeek.Sdk.Imaging;

/// <summary>The one entry point for reading and writing images: PNG and JPEG in, PNG out, raw RGB both ways.
/// Decoding gives 8-bit RGB (as Pillow's <c>Image.open(f).convert("RGB")</c>) or RGBA, upright by the Exif
/// orientation unless told otherwise. Every failure is an <see cref="ImageFormatException"/> or
/// <see cref="ImageTooLargeException"/>.</summary>
public static class ImageCodecs
{
    /// <summary>The format named by the first bytes (PNG signature; JPEG SOI followed by a marker), or
    /// <see cref="ImageFileFormat.Unknown"/>.</summary>
    public static ImageFileFormat DetectFormat(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith(PngChunks.Signature))
            return ImageFileFormat.Png;
        // SOI then the 0xFF of the next marker; a bare SOI is a JPEG truncated right after its first marker.
        if (data.Length >= 2 && data[0] == 0xFF && data[1] == 0xD8 && (data.Length == 2 || data[2] == 0xFF))
            return ImageFileFormat.Jpeg;
        return ImageFileFormat.Unknown;
    }

    /// <summary>Size, channels and bit depth from the headers, without decoding pixels.</summary>
    public static ImageInfo Identify(ReadOnlySpan<byte> data) => DetectFormat(data) switch
    {
        ImageFileFormat.Png => PngDecoder.Identify(data),
        ImageFileFormat.Jpeg => JpegDecoder.Identify(data),
        _ => throw Unrecognised(data),
    };

    /// <summary>Decodes a PNG or JPEG held in memory. <paramref name="cancellationToken"/> is checked per JPEG scan
    /// and MCU row and per batch of PNG scanlines, so a decode of a large or hostile image stops promptly with
    /// <see cref="OperationCanceledException"/>.</summary>
    public static ImageBuffer Decode(ReadOnlySpan<byte> data, ImageDecodeOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= ImageDecodeOptions.Default;
        cancellationToken.ThrowIfCancellationRequested();
        return DetectFormat(data) switch
        {
            ImageFileFormat.Png => PngDecoder.Decode(data, options, cancellationToken),
            ImageFileFormat.Jpeg => JpegDecoder.Decode(data, options, cancellationToken),
            _ => throw Unrecognised(data),
        };
    }

    /// <summary>Reads <paramref name="stream"/> to its end (at most <see cref="ImageDecodeOptions.MaxEncodedBytes"/>)
    /// and decodes it.</summary>
    public static ImageBuffer Decode(Stream stream, ImageDecodeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= ImageDecodeOptions.Default;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = stream.Read(chunk)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Append(buffer, chunk.AsSpan(0, n), options);
        }
        return Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), options, cancellationToken);
    }

    /// <summary>Reads <paramref name="stream"/> asynchronously (at most <see cref="ImageDecodeOptions.MaxEncodedBytes"/>),
    /// then decodes it on the calling thread.</summary>
    public static async Task<ImageBuffer> DecodeAsync(Stream stream, ImageDecodeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= ImageDecodeOptions.Default;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            Append(buffer, chunk.AsSpan(0, n), options);
        return Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), options, cancellationToken);
    }

    /// <summary>Reads and decodes the file at <paramref name="path"/>. An <see cref="ImageException"/> names the file
    /// (<see cref="ImageException.Path"/>).</summary>
    public static ImageBuffer DecodeFile(string path, ImageDecodeOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var stream = File.OpenRead(path);
        try
        {
            return Decode(stream, options, cancellationToken);
        }
        catch (ImageException e) when (e.Path is null)
        {
            throw e.WithPath(path);
        }
    }

    /// <summary>An 8-bit RGB (colour type 2) or RGBA (colour type 6) PNG of <paramref name="image"/>.</summary>
    public static byte[] EncodePng(ImageBuffer image, PngEncodeOptions? options = null)
    {
        using var stream = new MemoryStream();
        PngEncoder.Encode(image, stream, options ?? PngEncodeOptions.Default);
        return stream.ToArray();
    }

    /// <summary>Writes <paramref name="image"/> as PNG to <paramref name="stream"/>.</summary>
    public static void EncodePng(ImageBuffer image, Stream stream, PngEncodeOptions? options = null) =>
        PngEncoder.Encode(image, stream, options ?? PngEncodeOptions.Default);

    /// <summary>An image from raw interleaved RGB bytes (rows packed, top row first); the bytes are copied.</summary>
    public static ImageBuffer FromRgb24(ReadOnlySpan<byte> rgb, int width, int height) =>
        ImageBuffer.FromPixels(rgb, width, height, ImagePixelFormat.Rgb24);

    /// <summary>The raw interleaved RGB bytes of <paramref name="image"/> (alpha dropped).</summary>
    public static byte[] ToRgb24(ImageBuffer image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var rgb = image.ToRgb24();
        return ReferenceEquals(rgb, image) ? image.ToArray() : rgb.PixelArray;
    }

    /// <summary>Throws <see cref="ImageTooLargeException"/> when a declared size exceeds the limit or could not be
    /// held in one array as RGBA. Decoders call it on the header, before allocating anything of that size.</summary>
    internal static void CheckPixelCount(ImageFileFormat format, long width, long height, ImageDecodeOptions options)
    {
        long pixels = width * height;
        if (pixels > options.MaxPixelCount || pixels > Array.MaxLength / 4)
            throw new ImageTooLargeException(format, width, height, Math.Min(options.MaxPixelCount, Array.MaxLength / 4));
    }

    private static void Append(MemoryStream buffer, ReadOnlySpan<byte> chunk, ImageDecodeOptions options)
    {
        if (buffer.Length + chunk.Length > Math.Min(options.MaxEncodedBytes, Array.MaxLength))
            throw new ImageTooLargeException(ImageFileFormat.Unknown, buffer.Length + chunk.Length, options.MaxEncodedBytes);
        buffer.Write(chunk);
    }

    private static ImageFormatException Unrecognised(ReadOnlySpan<byte> data) =>
        new(ImageFileFormat.Unknown,
            data.IsEmpty
                ? "input is empty"
                : $"not a PNG or JPEG file (first bytes {Convert.ToHexString(data[..Math.Min(8, data.Length)])})",
            0);
}
