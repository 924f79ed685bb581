using System.Buffers;
using System.Numerics.Tensors;

namespace DeepSeek.Sdk.Backends.Cpu;

/// <summary>Group normalization (Wu and He 2018; torch.nn.GroupNorm) on channels-last activations: per batch item the
/// channels fall into <c>groups</c> consecutive groups, and each group is normalized over all its positions and
/// channels with the biased variance, then scaled and shifted per channel:
/// <code>y[p, c] = (x[p, c] − mean_g) / sqrt(var_g + eps) · weight[c] + bias[c],   g = c / (channels / groups)</code>
/// Statistics are two-pass (mean, then squared deviations) with double accumulation across positions, so a
/// 384×384 map with a large mean keeps its digits; positions are split across threads for every pass.</summary>
public static unsafe class GroupNormKernels
{
    // Positions per partial sum: float accumulation over at most this many terms, then added in double.
    private const int Block = 64;

    /// <param name="x">[batch, positions, channels].</param>
    /// <param name="y">Same shape; may be x.</param>
    public static void GroupNorm(CpuThreadPool pool, float* x, int batch, int positions, int channels, int groups,
        float* weight, float* bias, float eps, float* y)
    {
        int chunks = Math.Max(1, Math.Min((positions + Block - 1) / Block, pool.ThreadCount * 4));
        int chunkSize = (positions + chunks - 1) / chunks;
        chunks = (positions + chunkSize - 1) / chunkSize;
        double[] partials = ArrayPool<double>.Shared.Rent(chunks * channels);
        float[] rows = ArrayPool<float>.Shared.Rent(3 * channels);
        double[] groupMean = new double[groups];
        try
        {
            fixed (double* partial = partials)
            fixed (float* center = rows)
            {
                int perGroup = channels / groups;
                for (int b = 0; b < batch; b++)
                {
                    float* xb = x + (long)b * positions * channels;
                    float* yb = y + (long)b * positions * channels;
                    var work = new Work
                    {
                        X = xb, Y = yb, Positions = positions, Channels = channels, ChunkSize = chunkSize, Partials = partial,
                        Center = center, Scale = center + channels, Bias = bias,
                    };

                    // Pass 1: per-channel sums, then group means.
                    work.Pass = Pass.Sum;
                    pool.Run(ref work, chunks, 1);
                    for (int g = 0; g < groups; g++)
                        groupMean[g] = SumGroup(partial, chunks, channels, g * perGroup, perGroup) / ((double)positions * perGroup);

                    // Pass 2: per-channel squared deviations from the group mean (the mean goes in as a per-channel row).
                    for (int c = 0; c < channels; c++) center[c] = (float)groupMean[c / perGroup];
                    work.Pass = Pass.SquaredDeviation;
                    pool.Run(ref work, chunks, 1);

                    // y = (x − mean) · scale[c] + bias[c] with scale = w / sqrt(var + eps). Folding the mean into a shift
                    // (x · scale + (b − mean · scale)) would cancel catastrophically when the variance is tiny next to
                    // the mean: scale is then huge and x · scale and the shift nearly opposite.
                    float* scale = center + channels;
                    for (int g = 0; g < groups; g++)
                    {
                        double variance = SumGroup(partial, chunks, channels, g * perGroup, perGroup) / ((double)positions * perGroup);
                        double inv = 1.0 / Math.Sqrt(variance + eps);
                        for (int c = g * perGroup; c < (g + 1) * perGroup; c++) scale[c] = (float)(weight[c] * inv);
                    }
                    work.Pass = Pass.Normalize;
                    pool.Run(ref work, chunks, 1);
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(partials);
            ArrayPool<float>.Shared.Return(rows);
        }
    }

    private static double SumGroup(double* partial, int chunks, int channels, int first, int count)
    {
        double sum = 0;
        for (int chunk = 0; chunk < chunks; chunk++)
            for (int c = first; c < first + count; c++) sum += partial[(long)chunk * channels + c];
        return sum;
    }

    private enum Pass
    {
        Sum,
        SquaredDeviation,
        Normalize,
    }

    private struct Work : IRangeWork
    {
        public float* X, Y;
        public int Positions, Channels, ChunkSize;
        public double* Partials;
        public float* Center;   // per-channel group mean (SquaredDeviation, Normalize)
        public float* Scale;    // per-channel weight / sqrt(var + eps) (Normalize)
        public float* Bias;     // per-channel bias (Normalize)
        public Pass Pass;

        public readonly void Execute(int start, int end)
        {
            float[] rented = ArrayPool<float>.Shared.Rent(2 * Channels);
            try
            {
                fixed (float* scratch = rented)
                {
                    for (int chunk = start; chunk < end; chunk++) One(chunk, scratch);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }

        private readonly void One(int chunk, float* scratch)
        {
            int first = chunk * ChunkSize;
            int last = Math.Min(Positions, first + ChunkSize);
            int n = Channels;
            var block = new Span<float>(scratch, n);
            var deviation = new Span<float>(scratch + n, n);
            var center = new ReadOnlySpan<float>(Center, n);
            if (Pass == Pass.Normalize)
            {
                var scale = new ReadOnlySpan<float>(Scale, n);
                var bias = new ReadOnlySpan<float>(Bias, n);
                for (int p = first; p < last; p++)
                {
                    TensorPrimitives.Subtract(new ReadOnlySpan<float>(X + (long)p * n, n), center, deviation);
                    TensorPrimitives.MultiplyAdd(deviation, scale, bias, new Span<float>(Y + (long)p * n, n));
                }
                return;
            }
            var total = new Span<double>(Partials + (long)chunk * n, n);
            total.Clear();
            for (int p0 = first; p0 < last; p0 += Block)
            {
                block.Clear();
                for (int p = p0; p < Math.Min(last, p0 + Block); p++)
                {
                    var row = new ReadOnlySpan<float>(X + (long)p * n, n);
                    if (Pass == Pass.Sum)
                    {
                        TensorPrimitives.Add(block, row, block);
                    }
                    else
                    {
                        TensorPrimitives.Subtract(row, center, deviation);
                        TensorPrimitives.MultiplyAdd(deviation, deviation, block, block);
                    }
                }
                for (int c = 0; c < n; c++) total[c] += block[c];
            }
        }
    }
}
