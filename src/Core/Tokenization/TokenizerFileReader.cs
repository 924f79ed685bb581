using System.IO.Compression;

namespace DeepSeek.Sdk.Tokenization;

/// <summary>
/// Reads a tokenizer file into memory within <see cref="TokenizerLimits.MaxFileBytes"/>: a file's length is checked
/// before it is opened, streams and gzip inflation are counted as they are read, and reading stops one byte past the
/// limit. A gzip stream (magic bytes 1F 8B) is inflated, so a compression bomb costs at most the limit.
/// </summary>
internal static class TokenizerFileReader
{
    private const int FirstBufferBytes = 64 * 1024;

    public static ReadOnlyMemory<byte> ReadFile(string path, string name, TokenizerLimits limits) =>
        Inflate(ReadFileBytes(path, name, limits), name, limits);

    public static ReadOnlyMemory<byte> ReadStream(Stream stream, string name, TokenizerLimits limits)
    {
        long hint = 0;
        if (stream.CanSeek)
        {
            long remaining = stream.Length - stream.Position;
            if (remaining > limits.MaxFileBytes)
                throw TooLarge(name, $"is {remaining} bytes", limits);
            hint = remaining;
        }
        return Inflate(ReadBounded(stream, hint, name, "is more than", limits), name, limits);
    }

    /// <summary>Reads a text file such as chat_template.jinja, within the same limit (not inflated).</summary>
    public static string ReadText(string path, string name, TokenizerLimits limits)
    {
        var bytes = ReadFileBytes(path, name, limits);
        using var reader = new StreamReader(new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false), detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    private static ArraySegment<byte> ReadFileBytes(string path, string name, TokenizerLimits limits)
    {
        long length = new FileInfo(path).Length;
        if (length > limits.MaxFileBytes)
            throw TooLarge(name, $"is {length} bytes", limits);
        using var stream = File.OpenRead(path);
        // The length is only a hint: /proc files and pipes report 0, and a file may grow while it is read.
        return ReadBounded(stream, length, name, "is more than", limits);
    }

    private static ReadOnlyMemory<byte> Inflate(ArraySegment<byte> raw, string name, TokenizerLimits limits)
    {
        if (raw.Count < 2 || raw[0] != 0x1F || raw[1] != 0x8B)
            return raw;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(raw.Array!, raw.Offset, raw.Count, writable: false), CompressionMode.Decompress);
            // Published tokenizer.json files compress four to six times; start there.
            return ReadBounded(gzip, 5L * raw.Count, name, "inflates to more than", limits);
        }
        catch (InvalidDataException e)
        {
            throw new TokenizerFormatException($"{name}: starts like gzip but is not valid gzip data ({e.Message})", e);
        }
    }

    /// <summary>Reads to the end, failing as soon as more than <see cref="TokenizerLimits.MaxFileBytes"/> bytes arrive.</summary>
    private static ArraySegment<byte> ReadBounded(Stream stream, long hint, string name, string breach, TokenizerLimits limits)
    {
        long limit = limits.MaxFileBytes;
        // One byte past the limit tells a file of exactly the limit from a larger one.
        long cap = limit + 1;
        var buffer = new byte[(int)Math.Min(cap, Math.Max(FirstBufferBytes, hint + 1))];
        int count = 0;
        while (true)
        {
            if (count == buffer.Length)
            {
                if (count >= cap)
                    throw TooLarge(name, $"{breach} {limit} bytes", limits);
                Array.Resize(ref buffer, (int)Math.Min(cap, 2L * buffer.Length));
            }
            int read = stream.Read(buffer, count, buffer.Length - count);
            if (read == 0)
                return new ArraySegment<byte>(buffer, 0, count);
            count += read;
        }
    }

    private static TokenizerFormatException TooLarge(string name, string what, TokenizerLimits limits) =>
        new($"{name}: {what}, over the limit for a tokenizer file (TokenizerLimits.MaxFileBytes = {limits.MaxFileBytes}).");
}
