namespace DeepSeek.Sdk.Imaging;

/// <summary>The image breaks a limit of <see cref="ImageDecodeOptions"/>: its declared size
/// (<see cref="ImageDecodeOptions.MaxPixelCount"/>), its encoded size (<see cref="ImageDecodeOptions.MaxEncodedBytes"/>)
/// or its number of JPEG scans (<see cref="ImageDecodeOptions.MaxScans"/>). Thrown before the work or the allocation
/// the limit guards, so a small hostile file cannot make the decoder reserve gigabytes or run for minutes; the message
/// names the option, which a caller who trusts the input can raise.</summary>
public sealed class ImageTooLargeException : ImageException
{
    public ImageTooLargeException(ImageFileFormat format, long width, long height, long maxPixelCount)
        : this(format, $"image is {width} x {height} = {width * height} pixels, above the limit of {maxPixelCount}", maxPixelCount, nameof(ImageDecodeOptions.MaxPixelCount), null)
    {
        Width = width;
        Height = height;
    }

    public ImageTooLargeException(ImageFileFormat format, long encodedBytes, long maxEncodedBytes)
        : this(format, $"encoded input is over {maxEncodedBytes} bytes; read {encodedBytes} bytes before stopping", maxEncodedBytes, nameof(ImageDecodeOptions.MaxEncodedBytes), null)
    {
    }

    /// <summary>A limit other than the pixel count: <paramref name="problem"/> says what went past
    /// <paramref name="limit"/>, and <paramref name="option"/> is the <see cref="ImageDecodeOptions"/> property that
    /// sets it.</summary>
    public ImageTooLargeException(ImageFileFormat format, string problem, long limit, string option)
        : this(format, problem, limit, option, null)
    {
    }

    private ImageTooLargeException(ImageFileFormat format, string problem, long limit, string option, string? path)
        : base(format, $"{FormatName(format)}: {problem} ({nameof(ImageDecodeOptions)}.{option} = {limit})", path)
    {
        Problem = problem;
        Limit = limit;
        Option = option;
    }

    /// <summary>Declared width, or 0 when the limit broken was not the pixel count.</summary>
    public long Width { get; private init; }

    /// <summary>Declared height, or 0 when the limit broken was not the pixel count.</summary>
    public long Height { get; private init; }

    /// <summary>The limit that was exceeded (pixels, bytes, scans).</summary>
    public long Limit { get; }

    /// <summary>The <see cref="ImageDecodeOptions"/> property that sets <see cref="Limit"/>, e.g. "MaxScans".</summary>
    public string Option { get; }

    /// <summary>What exceeded the limit, without the format prefix and the option.</summary>
    public string Problem { get; }

    internal override ImageException WithPath(string path) =>
        new ImageTooLargeException(Format, Problem, Limit, Option, path) { Width = Width, Height = Height };
}
