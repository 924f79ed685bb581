using System.Buffers.Binary;
using System.IO.Compression;

namespace DeepSeek.Sdk.Imaging.Png;

/// <summary>Writes 8-bit truecolour (colour type 2) or truecolour-with-alpha (colour type 6) PNG, not interlaced:
/// signature, IHDR, one IDAT holding the zlib stream, IEND.</summary>
internal static class PngEncoder
{
    public static void Encode(ImageBuffer image, Stream output, PngEncodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(output);
        int channels = image.Channels;
        output.Write(PngChunks.Signature);

        Span<byte> ihdr = stackalloc byte[PngHeader.Length];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)image.Width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr[4..], (uint)image.Height);
        ihdr[8] = 8;
        ihdr[9] = channels == 4 ? (byte)PngHeader.TrueColorAlpha : (byte)PngHeader.TrueColor;
        ihdr[10] = ihdr[11] = ihdr[12] = 0;
        WriteChunk(output, "IHDR"u8, ihdr);

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, options.CompressionLevel, leaveOpen: true))
        {
            int rowBytes = image.RowBytes;
            var previous = new byte[rowBytes];
            var filtered = new byte[rowBytes + 1];
            var best = new byte[rowBytes + 1];
            for (int y = 0; y < image.Height; y++)
            {
                ReadOnlySpan<byte> row = image.GetRow(y);
                if (options.AdaptiveFilter)
                {
                    long bestScore = long.MaxValue;
                    for (int type = PngFilter.None; type <= PngFilter.Paeth; type++)
                    {
                        filtered[0] = (byte)type;
                        PngFilter.Apply(type, row, previous, channels, filtered.AsSpan(1));
                        long score = 0;
                        // Section 12.8: treat filtered bytes as signed and prefer the smallest sum of magnitudes.
                        foreach (byte b in filtered.AsSpan(1))
                            score += b < 128 ? b : 256 - b;
                        if (score < bestScore)
                        {
                            bestScore = score;
                            filtered.CopyTo(best, 0);
                        }
                    }
                }
                else
                {
                    best[0] = PngFilter.None;
                    row.CopyTo(best.AsSpan(1));
                }
                zlib.Write(best);
                row.CopyTo(previous);
            }
        }
        WriteChunk(output, "IDAT"u8, compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        WriteChunk(output, "IEND"u8, []);
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        uint crc = Crc32.Update(Crc32.Update(0xFFFFFFFFu, type), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }
}
