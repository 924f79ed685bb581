namespace DeepSeek.Sdk.Imaging;

/// <summary>The bytes break their format (bad signature, chunk, marker, checksum, Huffman code or compressed
/// stream), end too early, or use a feature the decoder does not implement. The message names the format,
/// the structure that was wrong and, where known, the byte offset in the input.</summary>
public sealed class ImageFormatException : ImageException
{
    public ImageFormatException(ImageFileFormat format, string message, long? offset = null, Exception? inner = null)
        : this(format, message, offset, inner, path: null)
    {
    }

    private ImageFormatException(ImageFileFormat format, string message, long? offset, Exception? inner, string? path)
        : base(format, Compose(format, message, offset), path, inner)
    {
        Offset = offset;
        Reason = message;
    }

    /// <summary>Byte offset in the encoded input where the problem was found, or null when it concerns the whole file.</summary>
    public long? Offset { get; }

    /// <summary>The problem without the format and offset prefix.</summary>
    public string Reason { get; }

    internal override ImageException WithPath(string path) => new ImageFormatException(Format, Reason, Offset, InnerException, path);

    private static string Compose(ImageFileFormat format, string message, long? offset) =>
        offset is null
            ? $"{FormatName(format)}: {message}"
            : $"{FormatName(format)}: {message} (at byte offset {offset})";
}
