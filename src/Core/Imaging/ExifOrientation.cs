using System.Buffers.Binary;

namespace DeepSeek.Sdk.Imaging;

/// <summary>Reads the Orientation tag (0x0112) from an Exif block and applies it the way Pillow's
/// <c>ImageOps.exif_transpose</c> does: 2 flip left-right, 3 rotate 180, 4 flip top-bottom, 5 transpose,
/// 6 rotate 90 clockwise, 7 transverse, 8 rotate 90 counter-clockwise (Exif 2.32, section 4.6.4 A).</summary>
public static class ExifOrientation
{
    private const ushort OrientationTag = 0x0112;

    /// <summary>The orientation 1..8 stored in <paramref name="exif"/> (a TIFF structure, optionally preceded by the
    /// "Exif\0\0" identifier of a JPEG APP1 segment), or 1 when the tag is absent, malformed or out of range. A damaged
    /// Exif block never fails decoding: orientation is metadata, the pixels are still valid.</summary>
    public static int Read(ReadOnlySpan<byte> exif)
    {
        if (exif.StartsWith("Exif\0\0"u8))
            exif = exif[6..];
        if (exif.Length < 8)
            return 1;
        bool little;
        if (exif[0] == (byte)'I' && exif[1] == (byte)'I')
            little = true;
        else if (exif[0] == (byte)'M' && exif[1] == (byte)'M')
            little = false;
        else
            return 1;
        if (U16(exif, 2, little) != 42)
            return 1;
        uint ifd = U32(exif, 4, little);
        if (ifd > (uint)exif.Length - 2 || ifd < 8)
            return 1;
        int count = U16(exif, (int)ifd, little);
        for (int i = 0; i < count; i++)
        {
            long entry = ifd + 2 + 12L * i;
            if (entry + 12 > exif.Length)
                return 1;
            int e = (int)entry;
            if (U16(exif, e, little) != OrientationTag)
                continue;
            int type = U16(exif, e + 2, little);
            int value = type switch
            {
                3 => U16(exif, e + 8, little),           // SHORT, the value sits left-aligned in the 4-byte field
                4 => (int)Math.Min(U32(exif, e + 8, little), int.MaxValue), // LONG, written by some tools
                _ => 1,
            };
            return value is >= 1 and <= 8 ? value : 1;
        }
        return 1;
    }

    /// <summary>The upright image for <paramref name="orientation"/>: <paramref name="image"/> itself for 1 (or any
    /// value outside 2..8), otherwise a new buffer (width and height swap for 5..8). <paramref name="cancellationToken"/>
    /// is checked every 16 rows.</summary>
    public static ImageBuffer Apply(ImageBuffer image, int orientation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (orientation is < 2 or > 8)
            return image;
        int w = image.Width, h = image.Height, c = image.Channels;
        bool swap = orientation >= 5;
        var result = new ImageBuffer(swap ? h : w, swap ? w : h, image.PixelFormat);
        var src = image.PixelArray;
        var dst = result.PixelArray;
        int ow = result.Width, oh = result.Height;
        for (int y = 0; y < oh; y++)
        {
            if ((y & 15) == 0)
                cancellationToken.ThrowIfCancellationRequested();
            for (int x = 0; x < ow; x++)
            {
                // Source pixel of output (x, y) for each of Pillow's transpose methods.
                (int sx, int sy) = orientation switch
                {
                    2 => (w - 1 - x, y),             // FLIP_LEFT_RIGHT
                    3 => (w - 1 - x, h - 1 - y),     // ROTATE_180
                    4 => (x, h - 1 - y),             // FLIP_TOP_BOTTOM
                    5 => (y, x),                     // TRANSPOSE
                    6 => (y, h - 1 - x),             // ROTATE_270 (counter-clockwise), i.e. 90 clockwise
                    7 => (w - 1 - y, h - 1 - x),     // TRANSVERSE
                    _ => (w - 1 - y, x),             // 8: ROTATE_90 (counter-clockwise)
                };
                Buffer.BlockCopy(src, (sy * w + sx) * c, dst, (y * ow + x) * c, c);
            }
        }
        return result;
    }

    private static ushort U16(ReadOnlySpan<byte> s, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(s[at..]) : BinaryPrimitives.ReadUInt16BigEndian(s[at..]);

    private static uint U32(ReadOnlySpan<byte> s, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(s[at..]) : BinaryPrimitives.ReadUInt32BigEndian(s[at..]);
}
