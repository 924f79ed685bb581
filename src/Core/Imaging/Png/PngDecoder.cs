using System.Buffers.Binary;
using System.IO.Compression;

namespace DeepSeek.Sdk.Imaging.Png;

/// <summary>Decodes PNG files of every colour type and bit depth, palette and tRNS transparency, with or without
/// Adam7 interlacing, into 8-bit RGB or RGBA (see <see cref="PngPixelConverter"/> for how samples map).
/// Scanlines are inflated and unfiltered one at a time, so memory beyond the result is two scanlines plus the
/// compressed data.</summary>
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
        var image = new ImageBuffer(header.Width, header.Height, options.PixelFormat);
        var converter = new PngPixelConverter(header, chunks.Palette, chunks.Transparency, options.PixelFormat);
        Inflate(chunks, converter, image, cancellationToken);
        return options.ApplyExifOrientation ? ExifOrientation.Apply(image, chunks.Orientation, cancellationToken) : image;
    }

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

        long maxRow = header.RowBytes(header.Width);
        var current = new byte[maxRow + 1];
        var previous = new byte[maxRow + 1];
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
            int rowBytes = (int)header.RowBytes(pass.Width);
            var cur = current.AsSpan(0, rowBytes + 1);
            var prev = previous.AsSpan(0, rowBytes + 1);
            prev.Clear();
            for (int r = 0; r < pass.Height; r++)
            {
                if ((r & 63) == 0)
                    cancellationToken.ThrowIfCancellationRequested();
                ReadScanline(zlib, cur, p, r, header.Interlaced, offset);
                adler.Update(cur);
                int filter = cur[0];
                if (filter > PngFilter.Paeth)
                    throw Error($"scanline {r}{PassName(p, header.Interlaced)} has filter type {filter}, not 0..4", offset);
                PngFilter.Unfilter(filter, cur[1..], prev[1..], stride);
                long first = (long)(pass.Y0 + r * pass.DY) * header.Width + pass.X0;
                converter.ConvertRow(cur[1..], pass.Width, pixels, first, pass.DX);
                var swap = cur;
                cur = prev;
                prev = swap;
            }
        }
        // The stream must end exactly where the image does: extra inflated bytes mean a corrupt (or hostile) stream.
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

    private static void ReadScanline(ZLibStream zlib, Span<byte> row, int pass, int r, bool interlaced, long offset)
    {
        int read = 0;
        try
        {
            while (read < row.Length)
            {
                int n = zlib.Read(row[read..]);
                if (n == 0)
                    throw Error($"image data ends inside scanline {r}{PassName(pass, interlaced)} (truncated or corrupt zlib stream)", offset);
                read += n;
            }
        }
        catch (InvalidDataException e)
        {
            // .NET reports every zlib data error (bad deflate block, bad distance, Adler-32 mismatch) as InvalidDataException.
            throw Error($"zlib stream in IDAT is corrupt at scanline {r}{PassName(pass, interlaced)} (invalid deflate data or Adler-32 checksum; inflater: {e.Message})", offset, e);
        }
    }

    private static string PassName(int pass, bool interlaced) => interlaced ? $" of Adam7 pass {pass + 1}" : "";

    private static ImageFormatException Error(string message, long offset, Exception? inner = null) =>
        new(ImageFileFormat.Png, message, offset, inner);
}
