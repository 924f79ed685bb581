using System.Buffers.Binary;
using System.IO.Compression;

namespace DeepSeek.Sdk.Imaging.Png;

/// <summary>Decodes PNG files of every colour type and bit depth, palette and tRNS transparency, with or without
/// Adam7 interlacing, into 8-bit RGB or RGBA (see <see cref="PngPixelConverter"/> for how samples map).
/// Scanlines are inflated and unfiltered a batch at a time, so memory beyond the result is 64 KB (or one scanline)
/// plus the compressed data, and the inflated size is held to what the header declares.</summary>
internal static class PngDecoder
{
    public static ImageInfo Identify(ReadOnlySpan<byte> file)
    {
        var chunks = PngChunks.Read(file, checkHeader: null, collectImageData: false);
        var h = chunks.Header;
        bool alpha = h.HasAlphaChannel || chunks.Transparency.Length > 0;
        int channels = h.ColorType == PngHeader.Indexed ? (alpha ? 4 : 3) : h.Channels;
        return new ImageInfo(ImageFileFormat.Png, h.Width, h.Height, channels, h.BitDepth, alpha, chunks.Orientation, "PNG " + h.Describe());
    }

    public static ImageBuffer Decode(ReadOnlySpan<byte> file, ImageDecodeOptions options, CancellationToken cancellationToken)
    {
        var chunks = PngChunks.Read(file, h => ImageCodecs.CheckPixelCount(ImageFileFormat.Png, h.Width, h.Height, options));
        var header = chunks.Header;
        CheckCompressedSize(chunks);
        var image = new ImageBuffer(header.Width, header.Height, options.PixelFormat);
        var converter = new PngPixelConverter(header, chunks.Palette, chunks.Transparency, options.PixelFormat);
        Inflate(chunks, converter, image, cancellationToken);
        return options.ApplyExifOrientation ? ExifOrientation.Apply(image, chunks.Orientation, cancellationToken) : image;
    }

    /// <summary>Deflate expands at most 1032 to 1 (a 258-byte match in a 1-bit length code and a 1-bit distance
    /// code, RFC 1951 section 3.2.5; zlib's documented limit), so IDAT data too short to inflate to the scanlines the
    /// header declares is truncated. Refusing it here spares allocating the declared image (a few bytes claiming
    /// 9000 x 9000 pixels) before the inflater finds the end.</summary>
    private static void CheckCompressedSize(PngChunks chunks)
    {
        var header = chunks.Header;
        long needed = 0;
        int passes = header.Interlaced ? Adam7.PassCount : 1;
        for (int p = 0; p < passes; p++)
        {
            var pass = header.Interlaced ? Adam7.Pass(p, header.Width, header.Height) : PngPass.Whole(header.Width, header.Height);
            if (!pass.IsEmpty)
                needed += pass.Height * (header.RowBytes(pass.Width) + 1);
        }
        long most = chunks.ImageData.LongLength * MaxDeflateRatio;
        if (needed > most)
            throw Error($"IDAT holds {chunks.ImageData.Length} compressed bytes, which inflate to at most {most} bytes (deflate's limit is {MaxDeflateRatio}:1), " +
                $"short of the {needed} bytes of scanlines a {header.Width} x {header.Height} image needs (truncated)", chunks.ImageDataOffset);
    }

    private const long MaxDeflateRatio = 1032;

    // Scanlines are inflated this many bytes at a time (at least one scanline), so an image of many short rows (1 x 20
    // million pixels) does not pay a stream call per row, and cancellation is checked once per batch.
    private const int BatchBytes = 64 * 1024;

    private static void Inflate(PngChunks chunks, PngPixelConverter converter, ImageBuffer image, CancellationToken cancellationToken)
    {
        var header = chunks.Header;
        var data = chunks.ImageData;
        long offset = chunks.ImageDataOffset;
        if (data.Length < 6)
            throw Error($"zlib stream in IDAT is {data.Length} bytes, too short for its 2-byte header and 4-byte Adler-32", offset);
        // RFC 1950 section 2.2: the header's 16-bit value is a multiple of 31, method 8 (deflate), no preset dictionary.
        if ((data[0] & 0x0F) != 8 || (data[0] >> 4) > 7 || ((data[0] << 8) | data[1]) % 31 != 0 || (data[1] & 0x20) != 0)
            throw Error($"IDAT does not start with a valid zlib header (bytes {data[0]:X2} {data[1]:X2})", offset);

        int maxRow = (int)header.RowBytes(header.Width) + 1;
        var batch = new byte[Math.Max(BatchBytes, maxRow)];
        var previous = new byte[maxRow];
        var adler = new Adler32();
        var pixels = image.Pixels;
        int stride = header.FilterStride;
        using var zlib = new ZLibStream(new MemoryStream(data, writable: false), CompressionMode.Decompress);
        int passes = header.Interlaced ? Adam7.PassCount : 1;
        for (int p = 0; p < passes; p++)
        {
            var pass = header.Interlaced ? Adam7.Pass(p, header.Width, header.Height) : PngPass.Whole(header.Width, header.Height);
            if (pass.IsEmpty)
                continue;
            int rowLength = (int)header.RowBytes(pass.Width) + 1;
            int batchRows = batch.Length / rowLength;
            previous.AsSpan(0, rowLength).Clear();
            for (int r = 0; r < pass.Height;)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int rows = Math.Min(batchRows, pass.Height - r);
                var span = batch.AsSpan(0, rows * rowLength);
                int read = ReadFully(zlib, span, out var failure);
                adler.Update(span[..read]);
                // Rows that arrived whole are unfiltered first, so a bad filter byte before the damage is what is reported.
                int complete = read / rowLength;
                ReadOnlySpan<byte> prev = previous.AsSpan(0, rowLength);
                for (int i = 0; i < complete; i++, r++)
                {
                    var cur = span.Slice(i * rowLength, rowLength);
                    int filter = cur[0];
                    if (filter > PngFilter.Paeth)
                        throw Error($"scanline {r}{PassName(p, header.Interlaced)} has filter type {filter}, not 0..4", offset);
                    PngFilter.Unfilter(filter, cur[1..], prev[1..], stride);
                    long first = (long)(pass.Y0 + r * pass.DY) * header.Width + pass.X0;
                    converter.ConvertRow(cur[1..], pass.Width, pixels, first, pass.DX);
                    prev = cur;
                }
                if (failure is not null)
                    // .NET reports every zlib data error (bad deflate block, bad distance, Adler-32 mismatch) as InvalidDataException.
                    throw Error($"zlib stream in IDAT is corrupt at scanline {r}{PassName(p, header.Interlaced)} (invalid deflate data or Adler-32 checksum; inflater: {failure.Message})", offset, failure);
                if (read < span.Length)
                    throw Error($"image data ends inside scanline {r}{PassName(p, header.Interlaced)} (truncated or corrupt zlib stream)", offset);
                prev.CopyTo(previous); // the batch buffer is about to be refilled
            }
        }
        // The stream must end exactly where the image does: extra inflated bytes mean a corrupt (or hostile) stream,
        // and reading one byte is enough to tell, however much more there is.
        Span<byte> probe = stackalloc byte[1];
        int extra;
        try
        {
            extra = zlib.Read(probe);
        }
        catch (InvalidDataException e)
        {
            throw Error($"zlib stream in IDAT is corrupt after the last scanline (invalid deflate data or Adler-32 checksum; inflater: {e.Message})", offset, e);
        }
        if (extra != 0)
            throw Error("zlib stream in IDAT holds more data than the image's scanlines", offset);
        uint stored = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(data.Length - 4));
        if (stored != adler.Value)
            throw Error($"zlib Adler-32 mismatch (stored 0x{stored:X8}, computed 0x{adler.Value:X8}): the IDAT stream is corrupt or has trailing bytes", offset);
    }

    /// <summary>Inflates into <paramref name="buffer"/> until it is full, the stream ends, or the data is found corrupt
    /// (<paramref name="failure"/>); returns the bytes that arrived.</summary>
    private static int ReadFully(ZLibStream zlib, Span<byte> buffer, out InvalidDataException? failure)
    {
        failure = null;
        int read = 0;
        try
        {
            while (read < buffer.Length)
            {
                int n = zlib.Read(buffer[read..]);
                if (n == 0)
                    break;
                read += n;
            }
        }
        catch (InvalidDataException e)
        {
            failure = e;
        }
        return read;
    }

    private static string PassName(int pass, bool interlaced) => interlaced ? $" of Adam7 pass {pass + 1}" : "";

    private static ImageFormatException Error(string message, long offset, Exception? inner = null) =>
        new(ImageFileFormat.Png, message, offset, inner);
}
