using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace DeepSeek.Sdk.Backends.Cpu;

/// <summary>Row normalizations over the last (feature) axis.</summary>
public static unsafe class NormKernels
{
    /// <summary>RMSNorm as Llama/DeepSeek compute it: in F32, <c>x * rsqrt(mean(x²) + eps)</c>, and only then
    /// multiplied by the weight (transformers LlamaRMSNorm / DeepseekV3RMSNorm). <paramref name="weight"/> is
    /// F32 or BF16 per <paramref name="weightIsBF16"/>.</summary>
    public static void RmsNorm(float* x, int rows, int cols, byte* weight, bool weightIsBF16, float eps, float* y)
    {
        for (int r = 0; r < rows; r++)
        {
            var xr = new ReadOnlySpan<float>(x + (long)r * cols, cols);
            float meanSquare = TensorPrimitives.SumOfSquares(xr) / cols;
            float inv = 1f / MathF.Sqrt(meanSquare + eps);
            if (weightIsBF16) ScaleByWeight<BF16Loader>(x + (long)r * cols, inv, weight, y + (long)r * cols, cols);
            else ScaleByWeight<F32Loader>(x + (long)r * cols, inv, weight, y + (long)r * cols, cols);
        }
    }

    /// <summary>LayerNorm with biased variance, as torch.nn.LayerNorm: <c>(x - mean) / sqrt(var + eps) * w + b</c>.</summary>
    public static void LayerNorm(float* x, int rows, int cols, float* weight, float* bias, float eps, float* y)
    {
        for (int r = 0; r < rows; r++)
        {
            var xr = new ReadOnlySpan<float>(x + (long)r * cols, cols);
            var yr = new Span<float>(y + (long)r * cols, cols);
            float mean = TensorPrimitives.Sum(xr) / cols;
            // Two-pass variance: the one-pass E[x²] - mean² loses digits when |mean| >> std.
            double variance = 0;
            for (int i = 0; i < cols; i++)
            {
                float d = xr[i] - mean;
                variance += d * d;
            }
            float inv = 1f / MathF.Sqrt((float)(variance / cols) + eps);
            TensorPrimitives.Subtract(xr, mean, yr);
            TensorPrimitives.Multiply(yr, inv, yr);
            TensorPrimitives.Multiply(yr, new ReadOnlySpan<float>(weight, cols), yr);
            if (bias != null) TensorPrimitives.Add(yr, new ReadOnlySpan<float>(bias, cols), yr);
        }
    }

    // y = (x * s) * w, with the weight converted in registers.
    private static void ScaleByWeight<TLoader>(float* x, float s, byte* w, float* y, int n)
        where TLoader : struct, IWeightLoader
    {
        int size = TLoader.ElementSize;
        int i = 0;
        if (DotKernels.UseVector512)
        {
            var sv = Vector512.Create(s);
            for (; i <= n - 32; i += 32)
            {
                TLoader.Load32(w + i * size, out var lo, out var hi);
                (Vector512.Load(x + i) * sv * lo).Store(y + i);
                (Vector512.Load(x + i + 16) * sv * hi).Store(y + i + 16);
            }
        }
        else
        {
            var sv = Vector256.Create(s);
            for (; i <= n - 16; i += 16)
            {
                TLoader.Load16(w + i * size, out var lo, out var hi);
                (Vector256.Load(x + i) * sv * lo).Store(y + i);
                (Vector256.Load(x + i + 8) * sv * hi).Store(y + i + 8);
            }
        }
        for (; i < n; i++) y[i] = x[i] * s * TLoader.Scalar(w + i * size);
    }
}
