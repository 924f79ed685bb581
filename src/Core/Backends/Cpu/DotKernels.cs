using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DeepSeek.Sdk.Backends.Cpu;

/// <summary>Dot products of an F32 activation row with a stored weight row, converting the weight in
/// registers. Four independent accumulators hide the FMA latency so the loop runs at memory speed.</summary>
internal static unsafe class DotKernels
{
    /// <summary>Set by tests to exercise the Vector512 path on hardware that only emulates it.</summary>
    internal static bool UseVector512 = Vector512.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot<TLoader>(float* x, byte* w, int k)
        where TLoader : struct, IWeightLoader =>
        UseVector512 ? Dot512<TLoader>(x, w, k) : Dot256<TLoader>(x, w, k);

    public static float Dot256<TLoader>(float* x, byte* w, int k)
        where TLoader : struct, IWeightLoader
    {
        int size = TLoader.ElementSize;
        var a0 = Vector256<float>.Zero;
        var a1 = Vector256<float>.Zero;
        var a2 = Vector256<float>.Zero;
        var a3 = Vector256<float>.Zero;
        int i = 0;
        for (; i <= k - 32; i += 32)
        {
            TLoader.Load16(w + i * size, out var w0, out var w1);
            TLoader.Load16(w + (i + 16) * size, out var w2, out var w3);
            a0 = Vector256.FusedMultiplyAdd(Vector256.Load(x + i), w0, a0);
            a1 = Vector256.FusedMultiplyAdd(Vector256.Load(x + i + 8), w1, a1);
            a2 = Vector256.FusedMultiplyAdd(Vector256.Load(x + i + 16), w2, a2);
            a3 = Vector256.FusedMultiplyAdd(Vector256.Load(x + i + 24), w3, a3);
        }
        for (; i <= k - 16; i += 16)
        {
            TLoader.Load16(w + i * size, out var w0, out var w1);
            a0 = Vector256.FusedMultiplyAdd(Vector256.Load(x + i), w0, a0);
            a1 = Vector256.FusedMultiplyAdd(Vector256.Load(x + i + 8), w1, a1);
        }
        float sum = Vector256.Sum((a0 + a1) + (a2 + a3));
        for (; i < k; i++) sum = MathF.FusedMultiplyAdd(x[i], TLoader.Scalar(w + i * size), sum);
        return sum;
    }

    public static float Dot512<TLoader>(float* x, byte* w, int k)
        where TLoader : struct, IWeightLoader
    {
        int size = TLoader.ElementSize;
        var a0 = Vector512<float>.Zero;
        var a1 = Vector512<float>.Zero;
        var a2 = Vector512<float>.Zero;
        var a3 = Vector512<float>.Zero;
        int i = 0;
        for (; i <= k - 64; i += 64)
        {
            TLoader.Load32(w + i * size, out var w0, out var w1);
            TLoader.Load32(w + (i + 32) * size, out var w2, out var w3);
            a0 = Vector512.FusedMultiplyAdd(Vector512.Load(x + i), w0, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Load(x + i + 16), w1, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Load(x + i + 32), w2, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Load(x + i + 48), w3, a3);
        }
        for (; i <= k - 32; i += 32)
        {
            TLoader.Load32(w + i * size, out var w0, out var w1);
            a0 = Vector512.FusedMultiplyAdd(Vector512.Load(x + i), w0, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Load(x + i + 16), w1, a1);
        }
        float sum = Vector512.Sum((a0 + a1) + (a2 + a3));
        for (; i < k; i++) sum = MathF.FusedMultiplyAdd(x[i], TLoader.Scalar(w + i * size), sum);
        return sum;
    }

    /// <summary>A block-scaled dot (DeepSeek-V3 FP8): each k-block of <paramref name="block"/> values is accumulated
    /// on its own, then multiplied by its scale and added to the total, all in vector registers
    /// (inference/kernel.py fp8_gemm_kernel does the same per 128-wide k tile).</summary>
    public static float ScaledDot<TLoader>(float* x, byte* w, int k, float* scales, int block)
        where TLoader : struct, IWeightLoader
    {
        int size = TLoader.ElementSize;
        float tail = 0;
        var total = Vector256<float>.Zero;
        for (int kb = 0, start = 0; start < k; kb++, start += block)
        {
            int end = Math.Min(k, start + block);
            var a0 = Vector256<float>.Zero;
            var a1 = Vector256<float>.Zero;
            var a2 = Vector256<float>.Zero;
            var a3 = Vector256<float>.Zero;
            int i = start;
            for (; i <= end - 32; i += 32)
            {
                TLoader.Load16(w + i * size, out var w0, out var w1);
                TLoader.Load16(w + (i + 16) * size, out var w2, out var w3);
                a0 = Vector256.FusedMultiplyAdd(Vector256.Load(x + i), w0, a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.Load(x + i + 8), w1, a1);
                a2 = Vector256.FusedMultiplyAdd(Vector256.Load(x + i + 16), w2, a2);
                a3 = Vector256.FusedMultiplyAdd(Vector256.Load(x + i + 24), w3, a3);
            }
            for (; i <= end - 16; i += 16)
            {
                TLoader.Load16(w + i * size, out var w0, out var w1);
                a0 = Vector256.FusedMultiplyAdd(Vector256.Load(x + i), w0, a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.Load(x + i + 8), w1, a1);
            }
            total = Vector256.FusedMultiplyAdd((a0 + a1) + (a2 + a3), Vector256.Create(scales[kb]), total);
            if (i < end)
            {
                float partial = 0;
                for (; i < end; i++) partial = MathF.FusedMultiplyAdd(x[i], TLoader.Scalar(w + i * size), partial);
                tail = MathF.FusedMultiplyAdd(partial, scales[kb], tail);
            }
        }
        return Vector256.Sum(total) + tail;
    }

    /// <summary>Converts <paramref name="k"/> stored weights to F32, multiplying by <paramref name="scale"/>.</summary>
    public static void Convert<TLoader>(byte* w, float* dst, int k, float scale)
        where TLoader : struct, IWeightLoader
    {
        int size = TLoader.ElementSize;
        int i = 0;
        var s = Vector256.Create(scale);
        for (; i <= k - 16; i += 16)
        {
            TLoader.Load16(w + i * size, out var lo, out var hi);
            (lo * s).Store(dst + i);
            (hi * s).Store(dst + i + 8);
        }
        for (; i < k; i++) dst[i] = TLoader.Scalar(w + i * size) * scale;
    }

    /// <summary>A 4×2 register tile for prefill: y[r][c] = x_r · w_c over k F32 values, with x rows
    /// <paramref name="xStride"/> apart and two converted weight rows <paramref name="wStride"/> apart.</summary>
    public static void Tile4x2(float* x, int xStride, float* w, int wStride, int k, float* result)
    {
        if (UseVector512) Tile4x2_512(x, xStride, w, wStride, k, result);
        else Tile4x2_256(x, xStride, w, wStride, k, result);
    }

    private static void Tile4x2_256(float* x, int xs, float* w, int ws, int k, float* r)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        int i = 0;
        for (; i <= k - 8; i += 8)
        {
            var w0 = Vector256.Load(w + i);
            var w1 = Vector256.Load(w + ws + i);
            var x0 = Vector256.Load(x + i);
            c00 = Vector256.FusedMultiplyAdd(x0, w0, c00);
            c01 = Vector256.FusedMultiplyAdd(x0, w1, c01);
            var x1 = Vector256.Load(x + xs + i);
            c10 = Vector256.FusedMultiplyAdd(x1, w0, c10);
            c11 = Vector256.FusedMultiplyAdd(x1, w1, c11);
            var x2 = Vector256.Load(x + 2 * xs + i);
            c20 = Vector256.FusedMultiplyAdd(x2, w0, c20);
            c21 = Vector256.FusedMultiplyAdd(x2, w1, c21);
            var x3 = Vector256.Load(x + 3 * xs + i);
            c30 = Vector256.FusedMultiplyAdd(x3, w0, c30);
            c31 = Vector256.FusedMultiplyAdd(x3, w1, c31);
        }
        r[0] = Vector256.Sum(c00); r[1] = Vector256.Sum(c01);
        r[2] = Vector256.Sum(c10); r[3] = Vector256.Sum(c11);
        r[4] = Vector256.Sum(c20); r[5] = Vector256.Sum(c21);
        r[6] = Vector256.Sum(c30); r[7] = Vector256.Sum(c31);
        TileTail(x, xs, w, ws, i, k, r);
    }

    private static void Tile4x2_512(float* x, int xs, float* w, int ws, int k, float* r)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        int i = 0;
        for (; i <= k - 16; i += 16)
        {
            var w0 = Vector512.Load(w + i);
            var w1 = Vector512.Load(w + ws + i);
            var x0 = Vector512.Load(x + i);
            c00 = Vector512.FusedMultiplyAdd(x0, w0, c00);
            c01 = Vector512.FusedMultiplyAdd(x0, w1, c01);
            var x1 = Vector512.Load(x + xs + i);
            c10 = Vector512.FusedMultiplyAdd(x1, w0, c10);
            c11 = Vector512.FusedMultiplyAdd(x1, w1, c11);
            var x2 = Vector512.Load(x + 2 * xs + i);
            c20 = Vector512.FusedMultiplyAdd(x2, w0, c20);
            c21 = Vector512.FusedMultiplyAdd(x2, w1, c21);
            var x3 = Vector512.Load(x + 3 * xs + i);
            c30 = Vector512.FusedMultiplyAdd(x3, w0, c30);
            c31 = Vector512.FusedMultiplyAdd(x3, w1, c31);
        }
        r[0] = Vector512.Sum(c00); r[1] = Vector512.Sum(c01);
        r[2] = Vector512.Sum(c10); r[3] = Vector512.Sum(c11);
        r[4] = Vector512.Sum(c20); r[5] = Vector512.Sum(c21);
        r[6] = Vector512.Sum(c30); r[7] = Vector512.Sum(c31);
        TileTail(x, xs, w, ws, i, k, r);
    }

    private static void TileTail(float* x, int xs, float* w, int ws, int from, int k, float* r)
    {
        for (int row = 0; row < 4; row++)
            for (int i = from; i < k; i++)
            {
                float xv = x[row * xs + i];
                r[2 * row] = MathF.FusedMultiplyAdd(xv, w[i], r[2 * row]);
                r[2 * row + 1] = MathF.FusedMultiplyAdd(xv, w[ws + i], r[2 * row + 1]);
            }
    }
}
