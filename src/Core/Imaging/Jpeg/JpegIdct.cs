using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace DeepSeek.Sdk.Imaging.Jpeg;

/// <summary>Dequantisation and the "islow" integer inverse DCT of libjpeg-turbo (jidctint.c, jpeg_idct_islow),
/// which is Pillow's default (JDCT_ISLOW): Loeffler, Ligtenberg and Moschytz's 1-D algorithm (12 multiplies,
/// 32 adds) on columns then rows, constants scaled by 2^13, the column pass keeping 2 extra fraction bits. Values
/// leave through libjpeg's range-limit table, indexed by the low 10 bits of the result, so even out-of-range
/// coefficients within 32-bit range give libjpeg's samples. With 256-bit vectors each pass runs on eight columns
/// (then eight rows) at once in the same 32-bit integer arithmetic, so both paths give identical samples on every
/// machine. jidctint.c's all-zero-AC shortcuts are left out: they equal the full computation whenever nothing
/// overflows, which holds for every block a valid 8-bit JPEG can hold (dequantised values within +-2^15). Beyond
/// that, values wrap at 32 bits here, while libjpeg-turbo's C code widens to 64 bits and its SIMD code (what Pillow
/// runs on x86-64) narrows to 16: no single reference exists there.</summary>
internal static class JpegIdct
{
    private const int ConstBits = 13;
    private const int Pass1Bits = 2;

    private const int Fix0298631336 = 2446;
    private const int Fix0390180644 = 3196;
    private const int Fix0541196100 = 4433;
    private const int Fix0765366865 = 6270;
    private const int Fix0899976223 = 7373;
    private const int Fix1175875602 = 9633;
    private const int Fix1501321110 = 12299;
    private const int Fix1847759065 = 15137;
    private const int Fix1961570560 = 16069;
    private const int Fix2053119869 = 16819;
    private const int Fix2562915447 = 20995;
    private const int Fix3072711026 = 25172;

    /// <summary>jdmaster.c prepare_range_limit_table as seen through IDCT_range_limit and RANGE_MASK (1023): the
    /// sample for an IDCT output x (before the +128 level shift) is that of x's low 10 bits read as a signed value,
    /// shifted and clamped.</summary>
    private static readonly byte[] s_rangeLimit = BuildRangeLimit();

    /// <summary>Writes the 8x8 samples of <paramref name="coefficients"/> (natural order) dequantised by
    /// <paramref name="quantization"/> (natural order) to <paramref name="output"/>, rows <paramref name="stride"/>
    /// apart. <paramref name="workspace"/> holds 64 ints.</summary>
    public static void Transform(ReadOnlySpan<short> coefficients, ReadOnlySpan<ushort> quantization, Span<byte> output, int stride, Span<int> workspace)
    {
        if (Vector256.IsHardwareAccelerated)
            TransformVector(coefficients, quantization, output, stride, workspace);
        else
            TransformScalar(coefficients, quantization, output, stride, workspace);
    }

    /// <summary>The same transform, eight lanes at a time: pass 1 with one vector per input row (lanes are columns),
    /// a transpose through <paramref name="workspace"/>, pass 2 with one vector per workspace column (lanes are
    /// rows).</summary>
    internal static void TransformVector(ReadOnlySpan<short> coefficients, ReadOnlySpan<ushort> quantization, Span<byte> output, int stride, Span<int> workspace)
    {
        if (coefficients.Length < 64 || quantization.Length < 64 || workspace.Length < 64 || output.Length < 7 * stride + 8)
            throw new ArgumentException("IDCT needs 64 coefficients, 64 quantisation values, 64 workspace ints and an 8 x 8 output");
        ref short c = ref MemoryMarshal.GetReference(coefficients);
        ref ushort q = ref MemoryMarshal.GetReference(quantization);
        var d0 = Dequantize(ref c, ref q, 0);
        var d1 = Dequantize(ref c, ref q, 1);
        var d2 = Dequantize(ref c, ref q, 2);
        var d3 = Dequantize(ref c, ref q, 3);
        var d4 = Dequantize(ref c, ref q, 4);
        var d5 = Dequantize(ref c, ref q, 5);
        var d6 = Dequantize(ref c, ref q, 6);
        var d7 = Dequantize(ref c, ref q, 7);
        Butterfly(ref d0, ref d1, ref d2, ref d3, ref d4, ref d5, ref d6, ref d7, ConstBits - Pass1Bits);

        // Transpose: workspace row r holds pass-1 output row r; pass 2 wants vector j = column j across rows.
        ref int w = ref MemoryMarshal.GetReference(workspace);
        d0.StoreUnsafe(ref w, 0);
        d1.StoreUnsafe(ref w, 8);
        d2.StoreUnsafe(ref w, 16);
        d3.StoreUnsafe(ref w, 24);
        d4.StoreUnsafe(ref w, 32);
        d5.StoreUnsafe(ref w, 40);
        d6.StoreUnsafe(ref w, 48);
        d7.StoreUnsafe(ref w, 56);
        var r0 = Column(ref w, 0);
        var r1 = Column(ref w, 1);
        var r2 = Column(ref w, 2);
        var r3 = Column(ref w, 3);
        var r4 = Column(ref w, 4);
        var r5 = Column(ref w, 5);
        var r6 = Column(ref w, 6);
        var r7 = Column(ref w, 7);
        Butterfly(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, ConstBits + Pass1Bits + 3);

        // Vector j now holds output column j for rows 0..7.
        ref byte o = ref MemoryMarshal.GetReference(output);
        StoreColumn(ref o, stride, 0, r0);
        StoreColumn(ref o, stride, 1, r1);
        StoreColumn(ref o, stride, 2, r2);
        StoreColumn(ref o, stride, 3, r3);
        StoreColumn(ref o, stride, 4, r4);
        StoreColumn(ref o, stride, 5, r5);
        StoreColumn(ref o, stride, 6, r6);
        StoreColumn(ref o, stride, 7, r7);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Dequantize(ref short c, ref ushort q, int row)
    {
        var coefficients = Vector256.WidenLower(Vector128.LoadUnsafe(ref c, (nuint)(8 * row)).ToVector256Unsafe());
        var quant = Vector256.WidenLower(Vector128.LoadUnsafe(ref q, (nuint)(8 * row)).ToVector256Unsafe()).AsInt32();
        return coefficients * quant;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Column(ref int w, int j) => Vector256.Create(
        Unsafe.Add(ref w, j), Unsafe.Add(ref w, 8 + j), Unsafe.Add(ref w, 16 + j), Unsafe.Add(ref w, 24 + j),
        Unsafe.Add(ref w, 32 + j), Unsafe.Add(ref w, 40 + j), Unsafe.Add(ref w, 48 + j), Unsafe.Add(ref w, 56 + j));

    /// <summary>The range-limit table as arithmetic: the low 10 bits as a signed value, +128, clamped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreColumn(ref byte o, int stride, int j, Vector256<int> v)
    {
        v = Vector256.Min(Vector256.Max(((v << 22) >> 22) + Vector256.Create(128), Vector256<int>.Zero), Vector256.Create(255));
        for (int r = 0; r < 8; r++)
            Unsafe.Add(ref o, r * stride + j) = (byte)v.GetElement(r);
    }

    /// <summary>One 1-D pass of jidctint.c on eight lanes: inputs x0..x7 (positions 0..7 along the transform), outputs
    /// in place, descaled by <paramref name="shift"/> bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Butterfly(ref Vector256<int> x0, ref Vector256<int> x1, ref Vector256<int> x2, ref Vector256<int> x3,
        ref Vector256<int> x4, ref Vector256<int> x5, ref Vector256<int> x6, ref Vector256<int> x7, int shift)
    {
        // Even part.
        var z1 = (x2 + x6) * Vector256.Create(Fix0541196100);
        var tmp2 = z1 + x6 * Vector256.Create(-Fix1847759065);
        var tmp3 = z1 + x2 * Vector256.Create(Fix0765366865);
        var tmp0 = (x0 + x4) << ConstBits;
        var tmp1 = (x0 - x4) << ConstBits;
        var tmp10 = tmp0 + tmp3;
        var tmp13 = tmp0 - tmp3;
        var tmp11 = tmp1 + tmp2;
        var tmp12 = tmp1 - tmp2;
        // Odd part: inputs 7, 5, 3, 1.
        var o0 = x7;
        var o1 = x5;
        var o2 = x3;
        var o3 = x1;
        var y1 = o0 + o3;
        var y2 = o1 + o2;
        var y3 = o0 + o2;
        var y4 = o1 + o3;
        var z5 = (y3 + y4) * Vector256.Create(Fix1175875602);
        o0 *= Vector256.Create(Fix0298631336);
        o1 *= Vector256.Create(Fix2053119869);
        o2 *= Vector256.Create(Fix3072711026);
        o3 *= Vector256.Create(Fix1501321110);
        y1 *= Vector256.Create(-Fix0899976223);
        y2 *= Vector256.Create(-Fix2562915447);
        y3 = y3 * Vector256.Create(-Fix1961570560) + z5;
        y4 = y4 * Vector256.Create(-Fix0390180644) + z5;
        o0 += y1 + y3;
        o1 += y2 + y4;
        o2 += y2 + y3;
        o3 += y1 + y4;
        var round = Vector256.Create(1 << (shift - 1));
        x0 = (tmp10 + o3 + round) >> shift;
        x7 = (tmp10 - o3 + round) >> shift;
        x1 = (tmp11 + o2 + round) >> shift;
        x6 = (tmp11 - o2 + round) >> shift;
        x2 = (tmp12 + o1 + round) >> shift;
        x5 = (tmp12 - o1 + round) >> shift;
        x3 = (tmp13 + o0 + round) >> shift;
        x4 = (tmp13 - o0 + round) >> shift;
    }

    /// <summary>jidctint.c, one column and one row at a time, in 32-bit arithmetic.</summary>
    internal static void TransformScalar(ReadOnlySpan<short> coefficients, ReadOnlySpan<ushort> quantization, Span<byte> output, int stride, Span<int> workspace)
    {
        var limit = s_rangeLimit;
        // Pass 1: columns from the input into the workspace, scaled up by 2^Pass1Bits.
        for (int col = 0; col < 8; col++)
        {
            // Even part: the rotator is sqrt(2) c(-6).
            int z2 = coefficients[16 + col] * quantization[16 + col];
            int z3 = coefficients[48 + col] * quantization[48 + col];
            int z1 = (z2 + z3) * Fix0541196100;
            int tmp2 = z1 + z3 * -Fix1847759065;
            int tmp3 = z1 + z2 * Fix0765366865;
            z2 = coefficients[col] * quantization[col];
            z3 = coefficients[32 + col] * quantization[32 + col];
            int tmp0 = (z2 + z3) << ConstBits;
            int tmp1 = (z2 - z3) << ConstBits;
            int tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
            // Odd part.
            tmp0 = coefficients[56 + col] * quantization[56 + col];
            tmp1 = coefficients[40 + col] * quantization[40 + col];
            tmp2 = coefficients[24 + col] * quantization[24 + col];
            tmp3 = coefficients[8 + col] * quantization[8 + col];
            Odd(ref tmp0, ref tmp1, ref tmp2, ref tmp3);
            const int shift = ConstBits - Pass1Bits;
            workspace[col] = Descale(tmp10 + tmp3, shift);
            workspace[56 + col] = Descale(tmp10 - tmp3, shift);
            workspace[8 + col] = Descale(tmp11 + tmp2, shift);
            workspace[48 + col] = Descale(tmp11 - tmp2, shift);
            workspace[16 + col] = Descale(tmp12 + tmp1, shift);
            workspace[40 + col] = Descale(tmp12 - tmp1, shift);
            workspace[24 + col] = Descale(tmp13 + tmp0, shift);
            workspace[32 + col] = Descale(tmp13 - tmp0, shift);
        }

        // Pass 2: rows from the workspace to the output, removing Pass1Bits and the factor 8 (3 bits).
        for (int row = 0; row < 8; row++)
        {
            var w = workspace.Slice(row * 8, 8);
            var o = output.Slice(row * stride, 8);
            int z2 = w[2], z3 = w[6];
            int z1 = (z2 + z3) * Fix0541196100;
            int tmp2 = z1 + z3 * -Fix1847759065;
            int tmp3 = z1 + z2 * Fix0765366865;
            int tmp0 = (w[0] + w[4]) << ConstBits;
            int tmp1 = (w[0] - w[4]) << ConstBits;
            int tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
            tmp0 = w[7];
            tmp1 = w[5];
            tmp2 = w[3];
            tmp3 = w[1];
            Odd(ref tmp0, ref tmp1, ref tmp2, ref tmp3);
            const int shift = ConstBits + Pass1Bits + 3;
            o[0] = limit[Descale(tmp10 + tmp3, shift) & 1023];
            o[7] = limit[Descale(tmp10 - tmp3, shift) & 1023];
            o[1] = limit[Descale(tmp11 + tmp2, shift) & 1023];
            o[6] = limit[Descale(tmp11 - tmp2, shift) & 1023];
            o[2] = limit[Descale(tmp12 + tmp1, shift) & 1023];
            o[5] = limit[Descale(tmp12 - tmp1, shift) & 1023];
            o[3] = limit[Descale(tmp13 + tmp0, shift) & 1023];
            o[4] = limit[Descale(tmp13 - tmp0, shift) & 1023];
        }
    }

    /// <summary>The odd part: in tmp0..tmp3 = inputs 7, 5, 3, 1; out the four odd-part terms.</summary>
    private static void Odd(ref int tmp0, ref int tmp1, ref int tmp2, ref int tmp3)
    {
        int z1 = tmp0 + tmp3;
        int z2 = tmp1 + tmp2;
        int z3 = tmp0 + tmp2;
        int z4 = tmp1 + tmp3;
        int z5 = (z3 + z4) * Fix1175875602;     // sqrt(2) * c3
        tmp0 *= Fix0298631336;                  // sqrt(2) * (-c1+c3+c5-c7)
        tmp1 *= Fix2053119869;                  // sqrt(2) * ( c1+c3-c5+c7)
        tmp2 *= Fix3072711026;                  // sqrt(2) * ( c1+c3+c5-c7)
        tmp3 *= Fix1501321110;                  // sqrt(2) * ( c1+c3-c5-c7)
        z1 *= -Fix0899976223;                   // sqrt(2) * ( c7-c3)
        z2 *= -Fix2562915447;                   // sqrt(2) * (-c1-c3)
        z3 = z3 * -Fix1961570560 + z5;          // sqrt(2) * (-c3-c5)
        z4 = z4 * -Fix0390180644 + z5;          // sqrt(2) * ( c5-c3)
        tmp0 += z1 + z3;
        tmp1 += z2 + z4;
        tmp2 += z2 + z3;
        tmp3 += z1 + z4;
    }

    /// <summary>jdct.h DESCALE: divide by 2^n rounding half up (arithmetic shift).</summary>
    private static int Descale(int x, int n) => (x + (1 << (n - 1))) >> n;

    private static byte[] BuildRangeLimit()
    {
        var table = new byte[1024];
        for (int i = 0; i < 1024; i++)
        {
            int x = i < 512 ? i : i - 1024;
            table[i] = (byte)Math.Clamp(x + 128, 0, 255);
        }
        return table;
    }
}
