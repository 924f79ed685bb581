namespace DeepSeek.Sdk.Imaging;

/// <summary>An image could not be decoded. The message names the format and what was wrong.</summary>
public abstract class ImageException : DeepSeekException
{
    protected ImageException(ImageFileFormat format, string message, Exception? inner)
        : base(message, inner)
    {
        Format = format;
    }

    /// <summary>The format the bytes were read as (<see cref="ImageFileFormat.Unknown"/> when they matched none).</summary>
    public ImageFileFormat Format { get; }

    internal static string FormatName(ImageFileFormat format) => format switch
    {
        ImageFileFormat.Png => "PNG",
        ImageFileFormat.Jpeg => "JPEG",
        _ => "image",
    };
}
