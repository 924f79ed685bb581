using System.Buffers;
using System.Numerics.Tensors;

namespace DeepSeek.Sdk.Backends.Cpu;

/// <summary>Causal grouped-query attention (Ainslie et al. 2023, "GQA") over a standard key/value cache, as
/// transformers' LlamaAttention / Qwen2Attention compute it with repeat_kv: query head h reads key/value head
/// h / (heads / kvHeads). For query row r at position p of cache slot c:
/// <code>
///   score_s = (q_h · K[c, kv(h), s]) · scale,   s = 0..p
///   out_h   = Σ_s softmax(score)_s · V[c, kv(h), s]
/// </code>
/// The new keys and values are stored first, so a prompt's rows see each other (and themselves) exactly as the
/// causal mask allows. The query heads of one key/value head are processed together so that each cached key and
/// value row is read once per group rather than once per head.</summary>
public static unsafe class GroupedQueryAttentionKernels
{
    /// <summary>Copies row r's keys and values [kvHeads, headDim] into position positions[r] of slot slots[r].</summary>
    public static void Store(float* keys, float* values, int rows, int kvHeads, int headDim, int valueDim,
        float* cacheKeys, float* cacheValues, int slotCount, int capacity, int* slots, int* positions)
    {
        for (int r = 0; r < rows; r++)
        {
            int slot = slots[r], position = positions[r];
            if ((uint)slot >= (uint)slotCount)
                throw new ArgumentOutOfRangeException(nameof(slots), $"Slot {slot} of row {r} is outside the cache's {slotCount} slots.");
            if ((uint)position >= (uint)capacity)
                throw new ArgumentOutOfRangeException(nameof(positions), $"Position {position} of row {r} is outside the cache capacity of {capacity}.");
            for (int j = 0; j < kvHeads; j++)
            {
                long cacheRow = ((long)slot * kvHeads + j) * capacity + position;
                long inputRow = (long)r * kvHeads + j;
                new ReadOnlySpan<float>(keys + inputRow * headDim, headDim).CopyTo(new Span<float>(cacheKeys + cacheRow * headDim, headDim));
                new ReadOnlySpan<float>(values + inputRow * valueDim, valueDim).CopyTo(new Span<float>(cacheValues + cacheRow * valueDim, valueDim));
            }
        }
    }

    /// <param name="query">[rows, heads, headDim], rotated.</param>
    /// <param name="cacheKeys">[slots, kvHeads, capacity, headDim]; positions 0..positions[r] of slot slots[r] filled.</param>
    /// <param name="cacheValues">[slots, kvHeads, capacity, valueDim].</param>
    /// <param name="output">[rows, heads, valueDim].</param>
    public static void Attend(CpuThreadPool pool, float* query, int rows, int heads, int kvHeads, int headDim, int valueDim,
        float* cacheKeys, float* cacheValues, int capacity, int* slots, int* positions, float scale, float* output)
    {
        int longest = 0;
        for (int r = 0; r < rows; r++) longest = Math.Max(longest, positions[r] + 1);
        var work = new Work
        {
            Query = query, Heads = heads, KvHeads = kvHeads, HeadDim = headDim, ValueDim = valueDim,
            CacheKeys = cacheKeys, CacheValues = cacheValues, Capacity = capacity, Slots = slots, Positions = positions,
            Scale = scale, Output = output, Longest = longest,
        };
        // One (row, kv head) item costs about group · keys · (headDim + valueDim) multiply-adds; chunks of about
        // 64K multiply-adds are worth a thread.
        long perItem = (long)(heads / kvHeads) * longest * (headDim + valueDim);
        pool.Run(ref work, rows * kvHeads, (int)Math.Max(1, 65536 / Math.Max(1, perItem)));
    }

    private struct Work : IRangeWork
    {
        public float* Query;
        public int Heads, KvHeads, HeadDim, ValueDim;
        public float* CacheKeys, CacheValues;
        public int Capacity;
        public int* Slots, Positions;
        public float Scale;
        public float* Output;
        public int Longest;

        public readonly void Execute(int start, int end)
        {
            // Scores of one group over the longest visible range, from the shared pool: after warm-up decoding
            // allocates nothing.
            int group = Heads / KvHeads;
            float[] rented = ArrayPool<float>.Shared.Rent(group * Longest);
            try
            {
                fixed (float* scores = rented)
                {
                    for (int item = start; item < end; item++) One(item, group, scores);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }

        private readonly void One(int item, int group, float* scores)
        {
            int r = item / KvHeads, j = item % KvHeads;
            int visible = Positions[r] + 1;
            long cacheBase = ((long)Slots[r] * KvHeads + j) * Capacity;
            float* keys = CacheKeys + cacheBase * HeadDim;
            float* values = CacheValues + cacheBase * ValueDim;
            int firstHead = j * group;
            float* query = Query + ((long)r * Heads + firstHead) * HeadDim;
            float* output = Output + ((long)r * Heads + firstHead) * ValueDim;

            for (int s = 0; s < visible; s++)
            {
                var key = new ReadOnlySpan<float>(keys + (long)s * HeadDim, HeadDim);
                for (int g = 0; g < group; g++)
                    scores[g * visible + s] = TensorPrimitives.Dot(new ReadOnlySpan<float>(query + (long)g * HeadDim, HeadDim), key) * Scale;
            }
            for (int g = 0; g < group; g++)
            {
                var row = new Span<float>(scores + g * visible, visible);
                float max = TensorPrimitives.Max(row);
                double sum = 0;
                for (int s = 0; s < visible; s++)
                {
                    float e = MathF.Exp(row[s] - max);
                    row[s] = e;
                    sum += e;
                }
                TensorPrimitives.Multiply(row, (float)(1.0 / sum), row);
                new Span<float>(output + (long)g * ValueDim, ValueDim).Clear();
            }
            for (int s = 0; s < visible; s++)
            {
                var value = new ReadOnlySpan<float>(values + (long)s * ValueDim, ValueDim);
                for (int g = 0; g < group; g++)
                {
                    var o = new Span<float>(output + (long)g * ValueDim, ValueDim);
                    TensorPrimitives.MultiplyAdd(value, scores[g * visible + s], o, o);
                }
            }
        }
    }
}
