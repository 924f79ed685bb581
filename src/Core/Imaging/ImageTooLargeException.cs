namespace DeepSeek.Sdk.Imaging;

/// <summary>The image's declared size exceeds <see cref="ImageDecodeOptions.MaxPixelCount"/> (or the encoded input
/// exceeds <see cref="ImageDecodeOptions.MaxEncodedBytes"/>). Thrown from the header, before any buffer of
/// that size is allocated, so a small hostile file cannot make the decoder reserve gigabytes.</summary>
public sealed class ImageTooLargeException : ImageException
{
    public ImageTooLargeException(ImageFileFormat format, long width, long height, long maxPixelCount)
        : base(format, $"{FormatName(format)}: image is {width} x {height} = {width * height} pixels, above the limit of {maxPixelCount} (ImageDecodeOptions.MaxPixelCount)", null)
    {
        Width = width;
        Height = height;
        Limit = maxPixelCount;
    }

    public ImageTooLargeException(ImageFileFormat format, long encodedBytes, long maxEncodedBytes)
        : base(format, $"{FormatName(format)}: encoded input is over {maxEncodedBytes} bytes (ImageDecodeOptions.MaxEncodedBytes); read {encodedBytes} bytes before stopping", null)
    {
        Limit = maxEncodedBytes;
    }

    /// <summary>Declared width, or 0 when the input size was the problem.</summary>
    public long Width { get; }

    /// <summary>Declared height, or 0 when the input size was the problem.</summary>
    public long Height { get; }

    /// <summary>The limit that was exceeded (pixels, or bytes for the input size).</summary>
    public long Limit { get; }
}
