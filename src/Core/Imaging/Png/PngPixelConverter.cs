using System.Buffers.Binary;

namespace DeepSeek.Sdk.Imaging.Png;

/// <summary>Turns reconstructed scanlines of any colour type and bit depth into 8-bit RGB or RGBA pixels.
/// <list type="bullet">
/// <item>Greyscale below 8 bits is scaled to 0..255 by exact multiples (1-bit x255, 2-bit x85, 4-bit x17), as
/// Pillow's "1", "L;2" and "L;4" unpackers do.</item>
/// <item>16-bit samples keep their high byte (v &gt;&gt; 8), as Pillow's "RGB;16B", "RGBA;16B" and "LA;16B" unpackers
/// do. (Pillow opens 16-bit greyscale as mode I/I;16, whose <c>convert("RGB")</c> clips at 255; we take the high
/// byte there too, so a 16-bit grey image looks like its 8-bit version.)</item>
/// <item>Alpha: the alpha channel, the palette's tRNS entries (255 past the end of tRNS), or for greyscale and
/// truecolour a tRNS colour compared with the samples at full bit depth (section 11.3.2.1).</item>
/// <item>A palette index past the end of PLTE gives black, as libpng and Pillow 12 do (its alpha still comes from
/// tRNS when tRNS is that long).</item>
/// </list></summary>
internal sealed class PngPixelConverter
{
    private readonly PngHeader _header;
    private readonly int _outChannels;
    private readonly byte[]? _paletteRgba;
    private readonly int _transparentGray = -1;
    private readonly int _transparentR = -1, _transparentG = -1, _transparentB = -1;

    public PngPixelConverter(PngHeader header, ReadOnlySpan<byte> palette, ReadOnlySpan<byte> transparency, ImagePixelFormat format)
    {
        _header = header;
        _outChannels = ImageBuffer.ChannelsOf(format);
        switch (header.ColorType)
        {
            case PngHeader.Indexed:
                _paletteRgba = new byte[256 * 4];
                for (int i = 0; i < 256; i++)
                {
                    var entry = _paletteRgba.AsSpan(i * 4, 4);
                    if (i * 3 + 2 < palette.Length)
                        palette.Slice(i * 3, 3).CopyTo(entry);
                    entry[3] = i < transparency.Length ? transparency[i] : (byte)255;
                }
                break;
            case PngHeader.Grayscale when transparency.Length >= 2:
                _transparentGray = BinaryPrimitives.ReadUInt16BigEndian(transparency);
                break;
            case PngHeader.TrueColor when transparency.Length >= 6:
                _transparentR = BinaryPrimitives.ReadUInt16BigEndian(transparency);
                _transparentG = BinaryPrimitives.ReadUInt16BigEndian(transparency[2..]);
                _transparentB = BinaryPrimitives.ReadUInt16BigEndian(transparency[4..]);
                break;
        }
    }

    /// <summary>Converts the first <paramref name="count"/> pixels of <paramref name="row"/> (unfiltered, no filter
    /// byte) into <paramref name="pixels"/> at pixel indices <paramref name="first"/>, first + step, ...</summary>
    public void ConvertRow(ReadOnlySpan<byte> row, int count, Span<byte> pixels, long first, int step)
    {
        int depth = _header.BitDepth;
        int oc = _outChannels;
        bool rgba = oc == 4;
        long at = first * oc;
        long advance = (long)step * oc;
        if (step == 1 && depth == 8 && TryCopyRow(row, count, pixels.Slice((int)at, count * oc)))
            return;
        switch (_header.ColorType)
        {
            case PngHeader.Grayscale:
                for (int i = 0; i < count; i++, at += advance)
                {
                    int sample = depth == 16 ? BinaryPrimitives.ReadUInt16BigEndian(row[(2 * i)..]) : PackedSample(row, i, depth);
                    byte v = depth switch
                    {
                        16 => (byte)(sample >> 8),
                        8 => (byte)sample,
                        _ => (byte)(sample * (255 / ((1 << depth) - 1))),
                    };
                    var p = pixels.Slice((int)at, oc);
                    p[0] = p[1] = p[2] = v;
                    if (rgba)
                        p[3] = sample == _transparentGray ? (byte)0 : (byte)255;
                }
                break;
            case PngHeader.TrueColor:
                for (int i = 0; i < count; i++, at += advance)
                {
                    var p = pixels.Slice((int)at, oc);
                    int r, g, b;
                    if (depth == 16)
                    {
                        var s = row.Slice(6 * i, 6);
                        r = BinaryPrimitives.ReadUInt16BigEndian(s);
                        g = BinaryPrimitives.ReadUInt16BigEndian(s[2..]);
                        b = BinaryPrimitives.ReadUInt16BigEndian(s[4..]);
                        p[0] = (byte)(r >> 8);
                        p[1] = (byte)(g >> 8);
                        p[2] = (byte)(b >> 8);
                    }
                    else
                    {
                        var s = row.Slice(3 * i, 3);
                        p[0] = (byte)(r = s[0]);
                        p[1] = (byte)(g = s[1]);
                        p[2] = (byte)(b = s[2]);
                    }
                    if (rgba)
                        p[3] = r == _transparentR && g == _transparentG && b == _transparentB ? (byte)0 : (byte)255;
                }
                break;
            case PngHeader.Indexed:
                var palette = _paletteRgba!;
                for (int i = 0; i < count; i++, at += advance)
                {
                    int index = depth == 8 ? row[i] : PackedSample(row, i, depth);
                    palette.AsSpan(index * 4, oc).CopyTo(pixels.Slice((int)at, oc));
                }
                break;
            case PngHeader.GrayscaleAlpha:
                for (int i = 0; i < count; i++, at += advance)
                {
                    var p = pixels.Slice((int)at, oc);
                    int bytesPerSample = depth / 8;
                    byte v = row[2 * i * bytesPerSample];
                    p[0] = p[1] = p[2] = v;
                    if (rgba)
                        p[3] = row[(2 * i + 1) * bytesPerSample];
                }
                break;
            case PngHeader.TrueColorAlpha:
                for (int i = 0; i < count; i++, at += advance)
                {
                    var p = pixels.Slice((int)at, oc);
                    int bytesPerSample = depth / 8;
                    int s = 4 * i * bytesPerSample;
                    p[0] = row[s];
                    p[1] = row[s + bytesPerSample];
                    p[2] = row[s + 2 * bytesPerSample];
                    if (rgba)
                        p[3] = row[s + 3 * bytesPerSample];
                }
                break;
        }
    }

    /// <summary>Fast paths for contiguous 8-bit rows: same layout (copy), truecolour to RGBA without tRNS (append
    /// 255), truecolour-with-alpha to RGB (drop alpha), and greyscale without tRNS.</summary>
    private bool TryCopyRow(ReadOnlySpan<byte> row, int count, Span<byte> output)
    {
        switch (_header.ColorType)
        {
            case PngHeader.TrueColor when _outChannels == 3:
            case PngHeader.TrueColorAlpha when _outChannels == 4:
                row[..output.Length].CopyTo(output);
                return true;
            case PngHeader.TrueColor when _transparentR < 0:
            {
                var src = row[..(3 * count)];
                for (int i = 0, o = 0; i < src.Length; i += 3, o += 4)
                {
                    output[o] = src[i];
                    output[o + 1] = src[i + 1];
                    output[o + 2] = src[i + 2];
                    output[o + 3] = 255;
                }
                return true;
            }
            case PngHeader.TrueColorAlpha:
            {
                var src = row[..(4 * count)];
                for (int i = 0, o = 0; i < src.Length; i += 4, o += 3)
                {
                    output[o] = src[i];
                    output[o + 1] = src[i + 1];
                    output[o + 2] = src[i + 2];
                }
                return true;
            }
            case PngHeader.Grayscale when _transparentGray < 0:
            {
                var src = row[..count];
                int oc = _outChannels;
                for (int i = 0, o = 0; i < src.Length; i++, o += oc)
                {
                    output[o] = output[o + 1] = output[o + 2] = src[i];
                    if (oc == 4)
                        output[o + 3] = 255;
                }
                return true;
            }
            default:
                return false;
        }
    }

    /// <summary>Sample <paramref name="index"/> of a row packed at 1, 2 or 4 bits, leftmost pixel in the high bits
    /// (section 7.2).</summary>
    private static int PackedSample(ReadOnlySpan<byte> row, int index, int depth)
    {
        int bit = index * depth;
        int shift = 8 - depth - (bit & 7);
        return (row[bit >> 3] >> shift) & ((1 << depth) - 1);
    }
}
