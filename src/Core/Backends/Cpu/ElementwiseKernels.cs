using System.Numerics.Tensors;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Backends.Cpu;

/// <summary>Elementwise arithmetic and dtype conversion. A second operand of one row's length is
/// broadcast over all rows (a bias, a per-channel scale).</summary>
public static unsafe class ElementwiseKernels
{
    public static void Add(float* a, float* b, long bCount, float* y, long count) => Binary(a, b, bCount, y, count, multiply: false);

    public static void Mul(float* a, float* b, long bCount, float* y, long count) => Binary(a, b, bCount, y, count, multiply: true);

    public static void Scale(float* x, float s, float* y, long count)
    {
        for (long i = 0; i < count; i += int.MaxValue)
        {
            int n = (int)Math.Min(int.MaxValue, count - i);
            TensorPrimitives.Multiply(new ReadOnlySpan<float>(x + i, n), s, new Span<float>(y + i, n));
        }
    }

    /// <summary><c>y = a + s * b</c> (residual adds, weighted expert sums).</summary>
    public static void AddScaled(float* a, float* b, float s, float* y, long count)
    {
        for (long i = 0; i < count; i += int.MaxValue)
        {
            int n = (int)Math.Min(int.MaxValue, count - i);
            TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(b + i, n), s, new ReadOnlySpan<float>(a + i, n), new Span<float>(y + i, n));
        }
    }

    /// <summary>Copies <paramref name="count"/> values converting between F32 and BF16/F16 (round to nearest
    /// even, as torch's .to()), or from F8E4M3 to F32 (unscaled values).</summary>
    public static void Convert(byte* src, DType from, byte* dst, DType to, long count)
    {
        if (from == to)
        {
            Buffer.MemoryCopy(src, dst, count * to.SizeOf(), count * to.SizeOf());
            return;
        }
        if (to == DType.F32)
        {
            float* d = (float*)dst;
            for (long i = 0; i < count; i += 1 << 20)
            {
                int n = (int)Math.Min(1 << 20, count - i);
                switch (from)
                {
                    case DType.BF16: DotKernels.Convert<BF16Loader>(src + i * 2, d + i, n, 1f); break;
                    case DType.F16: DotKernels.Convert<F16Loader>(src + i * 2, d + i, n, 1f); break;
                    case DType.F8E4M3: DotKernels.Convert<F8E4M3Loader>(src + i, d + i, n, 1f); break;
                    default: throw Unsupported(from, to);
                }
            }
            return;
        }
        if (from != DType.F32) throw Unsupported(from, to);
        float* s = (float*)src;
        switch (to)
        {
            case DType.BF16:
                for (long i = 0; i < count; i++) ((ushort*)dst)[i] = ScalarConversions.F32ToBF16(s[i]);
                break;
            case DType.F16:
                for (long i = 0; i < count; i++) ((ushort*)dst)[i] = ScalarConversions.F32ToF16(s[i]);
                break;
            case DType.F8E4M3:
                for (long i = 0; i < count; i++) dst[i] = ScalarConversions.F32ToF8E4M3(s[i]);
                break;
            default: throw Unsupported(from, to);
        }
    }

    private static NotSupportedException Unsupported(DType from, DType to) => new($"Conversion from {from} to {to} is not supported.");

    private static void Binary(float* a, float* b, long bCount, float* y, long count, bool multiply)
    {
        if (bCount <= 0 || count % bCount != 0)
            throw new ArgumentException($"Operand of {bCount} values neither matches nor broadcasts over {count} values.");
        for (long i = 0; i < count; i += bCount)
        {
            // bCount is a row length (or the whole tensor), which fits an int span.
            int n = (int)bCount;
            var av = new ReadOnlySpan<float>(a + i, n);
            var bv = new ReadOnlySpan<float>(b + (bCount == count ? i : 0), n);
            var yv = new Span<float>(y + i, n);
            if (multiply) TensorPrimitives.Multiply(av, bv, yv);
            else TensorPrimitives.Add(av, bv, yv);
        }
    }
}
