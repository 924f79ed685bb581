using System.Runtime.CompilerServices;

namespace DeepSeek.Sdk.Tensors;

/// <summary>Scalar conversions between storage formats and F32. Kernels convert in registers; these are
/// for tails, tests and one-off conversions.</summary>
public static class ScalarConversions
{
    private static readonly float[] s_e4m3 = BuildE4M3Table();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float BF16ToF32(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    /// <summary>F32 to BF16 with round-to-nearest-even (NaN stays NaN), as torch's .to(bfloat16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort F32ToBF16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000) return (ushort)((bits >> 16) | 0x40); // quiet NaN
        uint rounding = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float F16ToF32(ushort bits) => (float)BitConverter.UInt16BitsToHalf(bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort F32ToF16(float value) => BitConverter.HalfToUInt16Bits((Half)value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float F8E4M3ToF32(byte bits) => s_e4m3[bits];

    /// <summary>The 256 values of FP8 E4M3 (fn): bias 7, subnormals, S.1111.111 is NaN, no infinities.</summary>
    public static ReadOnlySpan<float> F8E4M3Table => s_e4m3;

    /// <summary>F32 to FP8 E4M3 (fn) with round-to-nearest-even and saturation to ±448, as torch's
    /// .to(float8_e4m3fn) does for finite values. NaN maps to NaN.</summary>
    public static byte F32ToF8E4M3(float value)
    {
        if (float.IsNaN(value)) return 0x7F;
        byte sign = value < 0 || (value == 0 && float.IsNegative(value)) ? (byte)0x80 : (byte)0;
        float a = MathF.Abs(value);
        if (a >= 448f) return (byte)(sign | 0x7E);
        // Candidates are the table's non-negative finite codes 0..0x7E, monotonically increasing.
        int lo = 0, hi = 0x7E;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >> 1;
            if (s_e4m3[mid] <= a) lo = mid; else hi = mid - 1;
        }
        if (lo == 0x7E) return (byte)(sign | lo);
        float below = s_e4m3[lo], above = s_e4m3[lo + 1];
        int code = (a - below) < (above - a) ? lo
            : (a - below) > (above - a) ? lo + 1
            : ((lo & 1) == 0 ? lo : lo + 1);
        return (byte)(sign | code);
    }

    private static float[] BuildE4M3Table()
    {
        var table = new float[256];
        for (int i = 0; i < 256; i++)
        {
            int sign = i >> 7, exp = (i >> 3) & 0xF, mant = i & 0x7;
            float v;
            if (exp == 0xF && mant == 0x7) v = float.NaN;
            else if (exp == 0) v = mant / 8f * MathF.Pow(2, -6);
            else v = (1 + mant / 8f) * MathF.Pow(2, exp - 7);
            table[i] = sign == 1 ? -v : v;
        }
        return table;
    }
}
