using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics.X86;

namespace DeepSeek.Sdk.Backends.Cpu;

/// <summary>Causal multi-head latent attention in the absorbed form of DeepSeek-V2 §2.1.2 ("W^UK can be absorbed
/// into W^Q, and W^UV into W^O"), as DeepSeek's inference/model.py runs it with attn_impl="absorb": keys and
/// values are never expanded from the cached latents. For query token t of head h:
/// <code>
///   q_lat  = q_nope · W_uk[h]                         (kv_lora_rank)
///   score_s = (q_lat · c_s + q_rope · k_rope_s) · scale,  s ≤ position(t)
///   o_lat  = Σ_s softmax(score)_s · c_s                (kv_lora_rank)
///   out    = W_uv[h] · o_lat                           (v_head_dim)
/// </code>
/// where W_uk[h] and W_uv[h] are head h's key and value rows of kv_b_proj.</summary>
public static unsafe class AttentionKernels
{
    /// <param name="query">[tokens, heads, nope + rope], rotary part already rotated.</param>
    /// <param name="latents">[keys, rank] normalized latents c_KV of positions 0..keys-1; the queries are the last <paramref name="tokens"/> of them.</param>
    /// <param name="ropeKeys">[keys, rope] rotated shared keys.</param>
    /// <param name="kvUpTransposed">[rank, heads · (nope + v)]: kv_b_proj's weight transposed, in F32.</param>
    /// <param name="output">[tokens, heads, v].</param>
    public static void LatentAttention(CpuThreadPool pool, float* query, int tokens, int heads, int nopeDim, int ropeDim,
        float* latents, float* ropeKeys, int keys, int rank, float* kvUpTransposed, int valueDim, float scale, float* output)
    {
        // Work items are (token block, head group). A head group's columns of kvUpTransposed are contiguous in each
        // of its rank rows, so absorbing kv_b_proj streams the matrix row by row (it is 64 MB per layer in F32 for
        // DeepSeek-V3; reading it column-wise per head, one short piece per row, left decode latency-bound), and every
        // cached latent row is read once per group and used by all of its heads and tokens.
        // About four groups per thread balance the load; a group's heads divide the heads evenly.
        int groupHeads = Math.Clamp(heads / (4 * pool.ThreadCount), 1, heads);
        while (heads % groupHeads != 0) groupHeads--;
        int groups = heads / groupHeads;
        int tokenBlock = Math.Min(tokens, TokenBlock);
        int blocks = (tokens + tokenBlock - 1) / tokenBlock;
        var work = new LatentAttentionWork
        {
            Query = query, Tokens = tokens, Heads = heads, NopeDim = nopeDim, RopeDim = ropeDim,
            Latents = latents, RopeKeys = ropeKeys, Keys = keys, Rank = rank,
            KvUp = kvUpTransposed, ValueDim = valueDim, Scale = scale, Output = output,
            GroupHeads = groupHeads, Groups = groups, TokenBlock = tokenBlock,
        };
        // An item costs rank · (nope + v) multiply-adds per (token, head) to absorb kv_b_proj on both sides plus
        // 2 · keys · (rank + rope) over the cache; items of about 64K multiply-adds are worth a thread.
        long perItem = (long)tokenBlock * groupHeads * ((long)rank * (nopeDim + valueDim) + 2L * keys * (rank + ropeDim));
        pool.Run(ref work, blocks * groups, (int)Math.Max(1, 65536 / perItem));
    }

    // Query tokens processed together per work item: their absorbed queries share each streamed row of kv_b_proj.
    private const int TokenBlock = 16;

    // Rows of kv_b_proj requested ahead of the one being read.
    private const int PrefetchRows = 4;

    private static void Prefetch(float* start, int floats)
    {
        if (!Sse.IsSupported) return;
        byte* p = (byte*)start, end = (byte*)(start + floats);
        for (; p < end; p += 64) Sse.Prefetch0(p);
    }

    private struct LatentAttentionWork : IRangeWork
    {
        public float* Query;
        public int Tokens, Heads, NopeDim, RopeDim;
        public float* Latents, RopeKeys;
        public int Keys, Rank;
        public float* KvUp;
        public int ValueDim;
        public float Scale;
        public float* Output;
        public int GroupHeads, Groups, TokenBlock;

        public readonly void Execute(int start, int end)
        {
            // Scratch per chunk from the shared pool: after warm-up decoding allocates nothing.
            int pairs = TokenBlock * GroupHeads;
            float[] rented = ArrayPool<float>.Shared.Rent(2 * pairs * Rank + GroupHeads * Keys);
            try
            {
                fixed (float* scratch = rented)
                {
                    for (int item = start; item < end; item++) One(item, scratch);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }

        private readonly void One(int item, float* scratch)
        {
            int group = item % Groups, block = item / Groups;
            int firstToken = block * TokenBlock, tokens = Math.Min(TokenBlock, Tokens - firstToken);
            int firstHead = group * GroupHeads, heads = GroupHeads;
            int qkDim = NopeDim + RopeDim, headColumns = NopeDim + ValueDim, upStride = Heads * headColumns;
            int pairs = tokens * heads;
            float* qLatent = scratch;                          // [tokens, heads, rank]
            float* oLatent = scratch + TokenBlock * heads * Rank; // [tokens, heads, rank]
            float* scores = oLatent + TokenBlock * heads * Rank;  // [heads, keys]

            // q_lat = q_nope · W_uk[h], one streamed row of kv_b_proj (this group's columns) per latent dimension c.
            // The group's piece of a row is short (heads · (nope + v) floats) and the rows are a whole matrix row apart,
            // a pattern the hardware prefetchers do not follow: the pieces PrefetchRows rows ahead are asked for by hand
            // (on the 2-core VM this took MLA decode of the moe-100m preset from 0.6 to ~0.2 ms per layer).
            for (int c = 0; c < Rank; c++)
            {
                float* row = KvUp + c * (long)upStride + firstHead * (long)headColumns;
                if (c + PrefetchRows < Rank) Prefetch(row + PrefetchRows * (long)upStride, heads * headColumns);
                for (int t = 0; t < tokens; t++)
                    for (int h = 0; h < heads; h++)
                    {
                        float* q = Query + ((long)(firstToken + t) * Heads + firstHead + h) * qkDim;
                        qLatent[(t * heads + h) * Rank + c] = TensorPrimitives.Dot(new ReadOnlySpan<float>(q, NopeDim), new ReadOnlySpan<float>(row + h * headColumns, NopeDim));
                    }
            }

            for (int t = 0; t < tokens; t++)
            {
                // Causal: query t sits at position keys - tokens + t and sees keys up to and including itself.
                int visible = Keys - Tokens + firstToken + t + 1;
                for (int s = 0; s < visible; s++)
                {
                    var latent = new ReadOnlySpan<float>(Latents + (long)s * Rank, Rank);
                    var ropeKey = new ReadOnlySpan<float>(RopeKeys + (long)s * RopeDim, RopeDim);
                    for (int h = 0; h < heads; h++)
                    {
                        float* q = Query + ((long)(firstToken + t) * Heads + firstHead + h) * qkDim;
                        float score = TensorPrimitives.Dot(new ReadOnlySpan<float>(qLatent + (t * heads + h) * Rank, Rank), latent)
                            + TensorPrimitives.Dot(new ReadOnlySpan<float>(q + NopeDim, RopeDim), ropeKey);
                        scores[h * Keys + s] = score * Scale;
                    }
                }
                for (int h = 0; h < heads; h++)
                {
                    float* row = scores + h * Keys;
                    float max = float.NegativeInfinity;
                    for (int s = 0; s < visible; s++) if (row[s] > max) max = row[s];
                    double sum = 0;
                    for (int s = 0; s < visible; s++)
                    {
                        float e = MathF.Exp(row[s] - max);
                        row[s] = e;
                        sum += e;
                    }
                    float inverse = (float)(1.0 / sum);
                    for (int s = 0; s < visible; s++) row[s] *= inverse;
                    new Span<float>(oLatent + (t * heads + h) * Rank, Rank).Clear();
                }
                for (int s = 0; s < visible; s++)
                {
                    var latent = new ReadOnlySpan<float>(Latents + (long)s * Rank, Rank);
                    for (int h = 0; h < heads; h++)
                    {
                        var o = new Span<float>(oLatent + (t * heads + h) * Rank, Rank);
                        TensorPrimitives.MultiplyAdd(latent, scores[h * Keys + s], o, o);
                    }
                }
            }

            // out = W_uv[h] · o_lat, again streaming this group's columns of each row of kv_b_proj.
            for (int p = 0; p < pairs; p++)
            {
                int t = p / heads, h = p % heads;
                new Span<float>(Output + ((long)(firstToken + t) * Heads + firstHead + h) * ValueDim, ValueDim).Clear();
            }
            for (int c = 0; c < Rank; c++)
            {
                float* row = KvUp + c * (long)upStride + firstHead * (long)headColumns + NopeDim;
                if (c + PrefetchRows < Rank) Prefetch(row + PrefetchRows * (long)upStride, heads * headColumns - NopeDim);
                for (int t = 0; t < tokens; t++)
                    for (int h = 0; h < heads; h++)
                    {
                        var outSpan = new Span<float>(Output + ((long)(firstToken + t) * Heads + firstHead + h) * ValueDim, ValueDim);
                        TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(row + h * headColumns, ValueDim), oLatent[(t * heads + h) * Rank + c], outSpan, outSpan);
                    }
            }
        }
    }
}
