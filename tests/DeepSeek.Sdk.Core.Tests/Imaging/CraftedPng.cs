using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using DeepSeek.Sdk.Imaging.Png;

namespace DeepSeek.Sdk.Core.Tests.Imaging;

/// <summary>Writes PNG files chunk by chunk (PNG Specification, section 5), with correct lengths and CRCs unless a
/// test asks otherwise, for structures no encoder produces: millions of rows, thousands of chunks, streams that
/// inflate to more or less than the header declares.</summary>
public sealed class CraftedPng
{
    private readonly MemoryStream _bytes = new();

    public CraftedPng()
    {
        _bytes.Write([137, 80, 78, 71, 13, 10, 26, 10]);
    }

    public CraftedPng Ihdr(long width, long height, int bitDepth = 8, int colorType = 0, bool interlaced = false)
    {
        var data = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(data, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(4), (uint)height);
        data[8] = (byte)bitDepth;
        data[9] = (byte)colorType;
        data[12] = (byte)(interlaced ? 1 : 0);
        return Chunk("IHDR", data);
    }

    /// <summary>One chunk; <paramref name="crc"/> replaces the correct CRC when given.</summary>
    public CraftedPng Chunk(string type, ReadOnlySpan<byte> data, uint? crc = null)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)data.Length);
        Encoding.ASCII.GetBytes(type, header[4..]);
        _bytes.Write(header);
        _bytes.Write(data);
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(tail, crc ?? Crc32.Update(Crc32.Update(0xFFFFFFFFu, header[4..]), data) ^ 0xFFFFFFFFu);
        _bytes.Write(tail);
        return this;
    }

    /// <summary>A chunk header that declares <paramref name="length"/> data bytes, with nothing after it.</summary>
    public CraftedPng ChunkHeader(string type, uint length)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(header, length);
        Encoding.ASCII.GetBytes(type, header[4..]);
        _bytes.Write(header);
        return this;
    }

    /// <summary>IDAT chunks of at most <paramref name="chunkSize"/> bytes holding the zlib stream of
    /// <paramref name="scanlines"/> (filter bytes included).</summary>
    public CraftedPng Idat(ReadOnlySpan<byte> scanlines, int chunkSize = 1 << 20) => IdatStream(Zlib(scanlines), chunkSize);

    public CraftedPng IdatStream(ReadOnlySpan<byte> zlib, int chunkSize = 1 << 20)
    {
        do
        {
            int n = Math.Min(chunkSize, zlib.Length);
            Chunk("IDAT", zlib[..n]);
            zlib = zlib[n..];
        }
        while (zlib.Length > 0);
        return this;
    }

    public byte[] End()
    {
        Chunk("IEND", []);
        return _bytes.ToArray();
    }

    public static byte[] Zlib(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
            zlib.Write(data);
        return output.ToArray();
    }

    /// <summary>Scanlines of an 8-bit greyscale image, filter type 0, every sample <paramref name="value"/>.</summary>
    public static byte[] GreyScanlines(int width, int height, byte value)
    {
        var rows = new byte[(long)(width + 1) * height];
        rows.AsSpan().Fill(value);
        for (long r = 0; r < height; r++)
            rows[r * (width + 1)] = 0;
        return rows;
    }

    /// <summary>The scanlines of every non-empty Adam7 pass of an 8-bit greyscale image, filter type 0, every sample
    /// <paramref name="value"/> (PNG Specification, section 8.2).</summary>
    public static byte[] GreyAdam7Scanlines(int width, int height, byte value)
    {
        int[] x0 = [0, 4, 0, 2, 0, 1, 0], y0 = [0, 0, 4, 0, 2, 0, 1], dx = [8, 8, 4, 4, 2, 2, 1], dy = [8, 8, 8, 4, 4, 2, 2];
        using var rows = new MemoryStream();
        for (int p = 0; p < 7; p++)
        {
            int w = width > x0[p] ? (width - x0[p] + dx[p] - 1) / dx[p] : 0;
            int h = height > y0[p] ? (height - y0[p] + dy[p] - 1) / dy[p] : 0;
            if (w > 0 && h > 0)
                rows.Write(GreyScanlines(w, h, value));
        }
        return rows.ToArray();
    }
}
