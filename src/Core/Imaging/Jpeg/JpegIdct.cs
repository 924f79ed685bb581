namespace DeepSeek.Sdk.Imaging.Jpeg;

/// <summary>Dequantisation and the "islow" integer inverse DCT of libjpeg-turbo (jidctint.c, jpeg_idct_islow),
/// which is Pillow's default (JDCT_ISLOW): Loeffler, Ligtenberg and Moschytz's 1-D algorithm (12 multiplies,
/// 32 adds) on columns then rows, constants scaled by 2^13, the column pass keeping 2 extra fraction bits. Values
/// leave through libjpeg's range-limit table, indexed by the low 10 bits of the result, so even out-of-range
/// coefficients give libjpeg's samples.</summary>
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
        var limit = s_rangeLimit;
        // Pass 1: columns from the input into the workspace, scaled up by 2^Pass1Bits.
        for (int col = 0; col < 8; col++)
        {
            if (coefficients[8 + col] == 0 && coefficients[16 + col] == 0 && coefficients[24 + col] == 0 && coefficients[32 + col] == 0
                && coefficients[40 + col] == 0 && coefficients[48 + col] == 0 && coefficients[56 + col] == 0)
            {
                // AC terms all zero: the column is its DC term (jidctint.c shortcut; same result as the full pass).
                int dc = coefficients[col] * quantization[col] << Pass1Bits;
                for (int row = 0; row < 8; row++)
                    workspace[row * 8 + col] = dc;
                continue;
            }
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
            if (w[1] == 0 && w[2] == 0 && w[3] == 0 && w[4] == 0 && w[5] == 0 && w[6] == 0 && w[7] == 0)
            {
                byte dc = limit[Descale(w[0], Pass1Bits + 3) & 1023];
                o.Fill(dc);
                continue;
            }
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
