namespace DeepSeek.Sdk.Imaging;

/// <summary>An image could not be decoded. The message names the file (when it was read from one), the format and
/// what was wrong.</summary>
public abstract class ImageException : DeepSeekException
{
    protected ImageException(ImageFileFormat format, string message, Exception? inner)
        : this(format, message, path: null, inner)
    {
    }

    /// <summary><paramref name="path"/>, when given, prefixes the message.</summary>
    protected ImageException(ImageFileFormat format, string message, string? path, Exception? inner = null)
        : base(path is null ? message : $"{path}: {message}", inner)
    {
        Format = format;
        Path = path;
    }

    /// <summary>The format the bytes were read as (<see cref="ImageFileFormat.Unknown"/> when they matched none).</summary>
    public ImageFileFormat Format { get; }

    /// <summary>The file the image was read from (<see cref="ImageCodecs.DecodeFile"/>), or null for bytes and streams.</summary>
    public string? Path { get; }

    /// <summary>The same exception, its message prefixed with the file it came from.</summary>
    internal abstract ImageException WithPath(string path);

    internal static string FormatName(ImageFileFormat format) => format switch
    {
        ImageFileFormat.Png => "PNG",
        ImageFileFormat.Jpeg => "JPEG",
        _ => "image",
    };
}
