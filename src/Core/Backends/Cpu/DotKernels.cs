using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepSeek.Sdk.Backends.Cpu;

/// <summary>Dot products of an F32 activation row with a stored weight row, converting the weight in
/// registers. Four independent accumulators hide the FMA latency so the loop runs at memory speed.</summary>
internal static unsafe class DotKernels
{
    /// <summary>Set by tests to exercise the Vector512 path on hardware that only emulates it.</summary>
    internal static bool UseVector512 = Vector512.IsHardwareAccelerated;

    /// <summary>Whether <see cref="Dot4{TLoader}"/> prefetches the next four rows (benchmarks compare both).</summary>
    internal static bool PrefetchNextRows = true;

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

    /// <summary>Four dots at once: <paramref name="x"/> with the four weight rows starting at <paramref name="w"/>,
    /// <paramref name="rowBytes"/> apart, into <paramref name="result"/>[0..3]. Each activation vector loaded serves
    /// four weight streams, which halves the loads per weight and keeps four rows' worth of reads in flight; on a
    /// 2-core Zen 3 this streams BF16 weights about 1.8× faster than one row at a time.</summary>
    /// <summary>Asks for <paramref name="lines"/> cache lines at <paramref name="offset"/> into the next four rows
    /// (<paramref name="next"/>; null: no prefetching): this iteration's share of them. Four interleaved streams of short rows
    /// (1–2 KiB, as in MoE experts) end before the hardware prefetchers ramp up: without this, products of 512×1024
    /// BF16 matrices streamed from DRAM at 5–8 GB/s on the 2-core VM, with it at 10–13 (2026-11-23; 4096×4096: 27
    /// either way). Prefetches never fault, so
    /// running past the matrix end is harmless.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchNextBlock(byte* next, long offset, int lines)
    {
        if (next == null) return;
        byte* address = next + offset;
        for (int l = 0; l < lines; l++) Sse.Prefetch1(address + 64 * l);
    }

    // The next four rows, when prefetching them pays: rows of up to 4 KiB (longer ones the hardware prefetchers
    // follow by themselves; measured neutral to slightly negative at 8 KiB). Null turns prefetching off.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte* PrefetchTarget(byte* w, long rowBytes) =>
        Sse.IsSupported && PrefetchNextRows && rowBytes <= 4096 ? w + 4 * rowBytes : null;

    public static void Dot4<TLoader>(float* x, byte* w, long rowBytes, int k, float* result)
        where TLoader : struct, IWeightLoader
    {
        if (UseVector512) Dot4_512<TLoader>(x, w, rowBytes, k, result);
        else Dot4_256<TLoader>(x, w, rowBytes, k, result);
    }

    private static void Dot4_256<TLoader>(float* x, byte* w, long rowBytes, int k, float* result)
        where TLoader : struct, IWeightLoader
    {
        int size = TLoader.ElementSize;
        byte* w0 = w, w1 = w + rowBytes, w2 = w + 2 * rowBytes, w3 = w + 3 * rowBytes;
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector256<float> b0 = default, b1 = default, b2 = default, b3 = default;
        int i = 0;
        byte* next = PrefetchTarget(w, rowBytes);
        for (; i <= k - 16; i += 16)
        {
            var xa = Vector256.Load(x + i);
            var xb = Vector256.Load(x + i + 8);
            long offset = (long)i * size;
            PrefetchNextBlock(next, 4 * offset, size);
            TLoader.Load16(w0 + offset, out var lo, out var hi);
            a0 = Vector256.FusedMultiplyAdd(xa, lo, a0);
            b0 = Vector256.FusedMultiplyAdd(xb, hi, b0);
            TLoader.Load16(w1 + offset, out lo, out hi);
            a1 = Vector256.FusedMultiplyAdd(xa, lo, a1);
            b1 = Vector256.FusedMultiplyAdd(xb, hi, b1);
            TLoader.Load16(w2 + offset, out lo, out hi);
            a2 = Vector256.FusedMultiplyAdd(xa, lo, a2);
            b2 = Vector256.FusedMultiplyAdd(xb, hi, b2);
            TLoader.Load16(w3 + offset, out lo, out hi);
            a3 = Vector256.FusedMultiplyAdd(xa, lo, a3);
            b3 = Vector256.FusedMultiplyAdd(xb, hi, b3);
        }
        result[0] = Vector256.Sum(a0 + b0) + ScalarTail<TLoader>(x, w0, i, k);
        result[1] = Vector256.Sum(a1 + b1) + ScalarTail<TLoader>(x, w1, i, k);
        result[2] = Vector256.Sum(a2 + b2) + ScalarTail<TLoader>(x, w2, i, k);
        result[3] = Vector256.Sum(a3 + b3) + ScalarTail<TLoader>(x, w3, i, k);
    }

    private static void Dot4_512<TLoader>(float* x, byte* w, long rowBytes, int k, float* result)
        where TLoader : struct, IWeightLoader
    {
        int size = TLoader.ElementSize;
        byte* w0 = w, w1 = w + rowBytes, w2 = w + 2 * rowBytes, w3 = w + 3 * rowBytes;
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default;
        int i = 0;
        byte* next = PrefetchTarget(w, rowBytes);
        for (; i <= k - 32; i += 32)
        {
            var xa = Vector512.Load(x + i);
            var xb = Vector512.Load(x + i + 16);
            long offset = (long)i * size;
            PrefetchNextBlock(next, 4 * offset, 2 * size);
            TLoader.Load32(w0 + offset, out var lo, out var hi);
            a0 = Vector512.FusedMultiplyAdd(xa, lo, a0);
            b0 = Vector512.FusedMultiplyAdd(xb, hi, b0);
            TLoader.Load32(w1 + offset, out lo, out hi);
            a1 = Vector512.FusedMultiplyAdd(xa, lo, a1);
            b1 = Vector512.FusedMultiplyAdd(xb, hi, b1);
            TLoader.Load32(w2 + offset, out lo, out hi);
            a2 = Vector512.FusedMultiplyAdd(xa, lo, a2);
            b2 = Vector512.FusedMultiplyAdd(xb, hi, b2);
            TLoader.Load32(w3 + offset, out lo, out hi);
            a3 = Vector512.FusedMultiplyAdd(xa, lo, a3);
            b3 = Vector512.FusedMultiplyAdd(xb, hi, b3);
        }
        result[0] = Vector512.Sum(a0 + b0) + ScalarTail<TLoader>(x, w0, i, k);
        result[1] = Vector512.Sum(a1 + b1) + ScalarTail<TLoader>(x, w1, i, k);
        result[2] = Vector512.Sum(a2 + b2) + ScalarTail<TLoader>(x, w2, i, k);
        result[3] = Vector512.Sum(a3 + b3) + ScalarTail<TLoader>(x, w3, i, k);
    }

    /// <summary><see cref="Dot4{TLoader}"/> for block-scaled weights: each row's k-blocks are accumulated apart and
    /// scaled by that row's <paramref name="scales"/>[row][kb] (the four rows may lie in different block rows).</summary>
    public static void ScaledDot4<TLoader>(float* x, byte* w, long rowBytes, int k, float** scales, int block, float* result)
        where TLoader : struct, IWeightLoader
    {
        int size = TLoader.ElementSize;
        byte* w0 = w, w1 = w + rowBytes, w2 = w + 2 * rowBytes, w3 = w + 3 * rowBytes;
        Vector256<float> t0 = default, t1 = default, t2 = default, t3 = default;
        float tail0 = 0, tail1 = 0, tail2 = 0, tail3 = 0;
        for (int kb = 0, start = 0; start < k; kb++, start += block)
        {
            int end = Math.Min(k, start + block);
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            int i = start;
            for (; i <= end - 16; i += 16)
            {
                var xa = Vector256.Load(x + i);
                var xb = Vector256.Load(x + i + 8);
                long offset = (long)i * size;
                TLoader.Load16(w0 + offset, out var lo, out var hi);
                a0 = Vector256.FusedMultiplyAdd(xb, hi, Vector256.FusedMultiplyAdd(xa, lo, a0));
                TLoader.Load16(w1 + offset, out lo, out hi);
                a1 = Vector256.FusedMultiplyAdd(xb, hi, Vector256.FusedMultiplyAdd(xa, lo, a1));
                TLoader.Load16(w2 + offset, out lo, out hi);
                a2 = Vector256.FusedMultiplyAdd(xb, hi, Vector256.FusedMultiplyAdd(xa, lo, a2));
                TLoader.Load16(w3 + offset, out lo, out hi);
                a3 = Vector256.FusedMultiplyAdd(xb, hi, Vector256.FusedMultiplyAdd(xa, lo, a3));
            }
            t0 = Vector256.FusedMultiplyAdd(a0, Vector256.Create(scales[0][kb]), t0);
            t1 = Vector256.FusedMultiplyAdd(a1, Vector256.Create(scales[1][kb]), t1);
            t2 = Vector256.FusedMultiplyAdd(a2, Vector256.Create(scales[2][kb]), t2);
            t3 = Vector256.FusedMultiplyAdd(a3, Vector256.Create(scales[3][kb]), t3);
            if (i < end)
            {
                tail0 = MathF.FusedMultiplyAdd(ScalarTail<TLoader>(x, w0, i, end), scales[0][kb], tail0);
                tail1 = MathF.FusedMultiplyAdd(ScalarTail<TLoader>(x, w1, i, end), scales[1][kb], tail1);
                tail2 = MathF.FusedMultiplyAdd(ScalarTail<TLoader>(x, w2, i, end), scales[2][kb], tail2);
                tail3 = MathF.FusedMultiplyAdd(ScalarTail<TLoader>(x, w3, i, end), scales[3][kb], tail3);
            }
        }
        result[0] = Vector256.Sum(t0) + tail0;
        result[1] = Vector256.Sum(t1) + tail1;
        result[2] = Vector256.Sum(t2) + tail2;
        result[3] = Vector256.Sum(t3) + tail3;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ScalarTail<TLoader>(float* x, byte* w, int from, int to)
        where TLoader : struct, IWeightLoader
    {
        float sum = 0;
        for (int i = from; i < to; i++) sum = MathF.FusedMultiplyAdd(x[i], TLoader.Scalar(w + i * TLoader.ElementSize), sum);
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
