using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DeepSeek.Sdk.Imaging.Jpeg;

/// <summary>Colour conversion to 8-bit RGB as Pillow gets it from libjpeg-turbo: YCbCr through libjpeg's fixed-point
/// tables (jdcolor.c build_ycc_rgb_table, 16 fraction bits); RGB and greyscale as stored; CMYK and YCCK through
/// libjpeg's CMYK output, then Pillow's "CMYK;I" unpacking (it assumes Adobe's inverted CMYK) and its
/// cmyk2rgb (Convert.c: nk = 255 - K, R = nk - C nk / 255 rounded).</summary>
internal static class JpegColorConverter
{
    private const int ScaleBits = 16;
    private const int OneHalf = 1 << (ScaleBits - 1);

    private static readonly int[] s_crToR = new int[256];
    private static readonly int[] s_cbToB = new int[256];
    private static readonly int[] s_crToG = new int[256];
    private static readonly int[] s_cbToG = new int[256];

    static JpegColorConverter()
    {
        for (int i = 0; i < 256; i++)
        {
            int x = i - 128;
            s_crToR[i] = (Fix(1.40200) * x + OneHalf) >> ScaleBits;
            s_cbToB[i] = (Fix(1.77200) * x + OneHalf) >> ScaleBits;
            s_crToG[i] = -Fix(0.71414) * x;
            s_cbToG[i] = -Fix(0.34414) * x + OneHalf; // the rounding half rides along with Cb
        }
    }

    public static void YCbCrToRgb(ReadOnlySpan<byte> y, ReadOnlySpan<byte> cb, ReadOnlySpan<byte> cr, Span<byte> output, int channels)
    {
        int n = output.Length / channels;
        if (y.Length < n || cb.Length < n || cr.Length < n)
            throw new ArgumentException("component rows shorter than the output row");
        ref byte yr = ref MemoryMarshal.GetReference(y);
        ref byte cbr = ref MemoryMarshal.GetReference(cb);
        ref byte crr = ref MemoryMarshal.GetReference(cr);
        ref byte o = ref MemoryMarshal.GetReference(output);
        ref int crToR = ref MemoryMarshal.GetArrayDataReference(s_crToR);
        ref int cbToB = ref MemoryMarshal.GetArrayDataReference(s_cbToB);
        ref int crToG = ref MemoryMarshal.GetArrayDataReference(s_crToG);
        ref int cbToG = ref MemoryMarshal.GetArrayDataReference(s_cbToG);
        for (int i = 0; i < n; i++)
        {
            int luma = Unsafe.Add(ref yr, i), b = Unsafe.Add(ref cbr, i), r = Unsafe.Add(ref crr, i);
            ref byte p = ref Unsafe.Add(ref o, i * channels);
            p = Clamp(luma + Unsafe.Add(ref crToR, r));
            Unsafe.Add(ref p, 1) = Clamp(luma + ((Unsafe.Add(ref cbToG, b) + Unsafe.Add(ref crToG, r)) >> ScaleBits));
            Unsafe.Add(ref p, 2) = Clamp(luma + Unsafe.Add(ref cbToB, b));
            if (channels == 4)
                Unsafe.Add(ref p, 3) = 255;
        }
    }

    public static void RgbToRgb(ReadOnlySpan<byte> r, ReadOnlySpan<byte> g, ReadOnlySpan<byte> b, Span<byte> output, int channels)
    {
        for (int i = 0, o = 0; o < output.Length; i++, o += channels)
        {
            output[o] = r[i];
            output[o + 1] = g[i];
            output[o + 2] = b[i];
            if (channels == 4)
                output[o + 3] = 255;
        }
    }

    public static void GrayToRgb(ReadOnlySpan<byte> gray, Span<byte> output, int channels)
    {
        for (int i = 0, o = 0; o < output.Length; i++, o += channels)
        {
            output[o] = output[o + 1] = output[o + 2] = gray[i];
            if (channels == 4)
                output[o + 3] = 255;
        }
    }

    /// <summary>Four stored components; <paramref name="ycck"/> when the Adobe transform flag says YCCK (libjpeg
    /// jdcolor.c ycck_cmyk_convert: C, M, Y = 255 - the YCbCr-to-RGB of the first three, K as is).</summary>
    public static void CmykToRgb(ReadOnlySpan<byte> c0, ReadOnlySpan<byte> c1, ReadOnlySpan<byte> c2, ReadOnlySpan<byte> k,
        bool ycck, Span<byte> output, int channels)
    {
        for (int i = 0, o = 0; o < output.Length; i++, o += channels)
        {
            int c, m, y;
            if (ycck)
            {
                int luma = c0[i];
                c = Clamp(255 - (luma + s_crToR[c2[i]]));
                m = Clamp(255 - (luma + ((s_cbToG[c1[i]] + s_crToG[c2[i]]) >> ScaleBits)));
                y = Clamp(255 - (luma + s_cbToB[c1[i]]));
            }
            else
            {
                c = c0[i];
                m = c1[i];
                y = c2[i];
            }
            // Pillow's "CMYK;I" rawmode inverts every channel, then cmyk2rgb with nk = 255 - (255 - k) = k.
            int nk = k[i];
            output[o] = Clamp(nk - MulDiv255(255 - c, nk));
            output[o + 1] = Clamp(nk - MulDiv255(255 - m, nk));
            output[o + 2] = Clamp(nk - MulDiv255(255 - y, nk));
            if (channels == 4)
                output[o + 3] = 255;
        }
    }

    /// <summary>Pillow's MULDIV255: a b / 255 rounded, by the shift-and-add identity.</summary>
    private static int MulDiv255(int a, int b)
    {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }

    private static int Fix(double x) => (int)(x * (1 << ScaleBits) + 0.5);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Clamp(int v) => (uint)v <= 255 ? (byte)v : v < 0 ? (byte)0 : (byte)255;
}
