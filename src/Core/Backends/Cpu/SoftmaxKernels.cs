using System.Numerics.Tensors;

namespace DeepSeek.Sdk.Backends.Cpu;

/// <summary>Softmax over rows: <c>y = softmax(x * scale)</c> over the first validLength columns of each row;
/// the rest become exactly 0. A causal mask for a query at absolute position p over keys 0..L-1 is
/// validLength = p + 1; a padded batch passes its sequence lengths.</summary>
public static unsafe class SoftmaxKernels
{
    /// <param name="validLengths">Per-row valid column counts, or null for all columns.</param>
    public static void Softmax(float* x, int rows, int cols, float scale, int* validLengths, float* y)
    {
        for (int r = 0; r < rows; r++)
        {
            int valid = validLengths == null ? cols : validLengths[r];
            if ((uint)valid > (uint)cols)
                throw new ArgumentOutOfRangeException(nameof(validLengths), $"Valid length {valid} of row {r} is outside 0..{cols}.");
            var xr = new ReadOnlySpan<float>(x + (long)r * cols, valid);
            var yr = new Span<float>(y + (long)r * cols, cols);
            if (valid > 0)
            {
                var yv = yr[..valid];
                TensorPrimitives.Multiply(xr, scale, yv);
                float max = TensorPrimitives.Max(yv);
                TensorPrimitives.Subtract(yv, max, yv);
                TensorPrimitives.Exp(yv, yv);
                float sum = TensorPrimitives.Sum(yv);
                TensorPrimitives.Multiply(yv, 1f / sum, yv);
            }
            yr[valid..].Clear();
        }
    }
}
