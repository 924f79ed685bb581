using System.Buffers;
using System.Numerics.Tensors;

namespace DeepSeek.Sdk.Backends.Cpu;

/// <summary>Scaled dot-product attention without a mask (Vaswani et al. 2017, §3.2.1), as encoders use it: every
/// query of a batch item attends to every key of that item. SigLIP's encoder layers (transformers
/// JanusVisionAttention, is_causal False) and the VQGAN's spatial attention blocks (JanusVQVAEAttnBlock: one head
/// over the channels, keys are the pixels) are both this operation. For batch item b, head h and query i:
/// <code>
///   score_j = (q[b, i, h] · k[b, j, h]) · scale,   j = 0..keys-1
///   out[b, i, h] = Σ_j softmax(score)_j · v[b, j, h]
/// </code>
/// Work items are (batch, head, block of queries); the softmax runs in F32 with the row maximum subtracted and
/// the normalizer summed in double.</summary>
public static unsafe class UnmaskedAttentionKernels
{
    private const int QueriesPerItem = 8;

    /// <param name="query">[batch, queries, heads, headDim].</param>
    /// <param name="keys">[batch, keys, heads, headDim].</param>
    /// <param name="values">[batch, keys, heads, valueDim].</param>
    /// <param name="output">[batch, queries, heads, valueDim].</param>
    public static void Attend(CpuThreadPool pool, float* query, float* keys, float* values, int batch, int queries, int keyCount,
        int heads, int headDim, int valueDim, float scale, float* output)
    {
        var work = new Work
        {
            Query = query, Keys = keys, Values = values, Output = output, Queries = queries, KeyCount = keyCount, Heads = heads,
            HeadDim = headDim, ValueDim = valueDim, Scale = scale, Blocks = (queries + QueriesPerItem - 1) / QueriesPerItem,
        };
        long perItem = (long)QueriesPerItem * keyCount * (headDim + valueDim);
        pool.Run(ref work, batch * heads * work.Blocks, (int)Math.Max(1, 65536 / Math.Max(1, perItem)));
    }

    private struct Work : IRangeWork
    {
        public float* Query, Keys, Values, Output;
        public int Queries, KeyCount, Heads, HeadDim, ValueDim, Blocks;
        public float Scale;

        public readonly void Execute(int start, int end)
        {
            float[] rented = ArrayPool<float>.Shared.Rent(KeyCount);
            try
            {
                fixed (float* scores = rented)
                {
                    for (int item = start; item < end; item++) One(item, scores);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }

        private readonly void One(int item, float* scores)
        {
            int block = item % Blocks;
            int h = item / Blocks % Heads;
            int b = item / Blocks / Heads;
            long keyStride = (long)Heads * HeadDim, valueStride = (long)Heads * ValueDim;
            float* keyBase = Keys + (long)b * KeyCount * keyStride + (long)h * HeadDim;
            float* valueBase = Values + (long)b * KeyCount * valueStride + (long)h * ValueDim;
            var row = new Span<float>(scores, KeyCount);
            int last = Math.Min(Queries, (block + 1) * QueriesPerItem);
            for (int i = block * QueriesPerItem; i < last; i++)
            {
                long token = (long)b * Queries + i;
                var q = new ReadOnlySpan<float>(Query + (token * Heads + h) * HeadDim, HeadDim);
                for (int j = 0; j < KeyCount; j++)
                    scores[j] = TensorPrimitives.Dot(q, new ReadOnlySpan<float>(keyBase + j * keyStride, HeadDim)) * Scale;
                float max = TensorPrimitives.Max(row);
                double sum = 0;
                for (int j = 0; j < KeyCount; j++)
                {
                    float e = MathF.Exp(scores[j] - max);
                    scores[j] = e;
                    sum += e;
                }
                float inv = (float)(1.0 / sum);
                var o = new Span<float>(Output + (token * Heads + h) * ValueDim, ValueDim);
                o.Clear();
                for (int j = 0; j < KeyCount; j++)
                    TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(valueBase + j * valueStride, ValueDim), scores[j] * inv, o, o);
            }
        }
    }
}
