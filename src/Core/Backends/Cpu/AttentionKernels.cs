using System.Buffers;
using System.Numerics.Tensors;

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
        var work = new LatentAttentionWork
        {
            Query = query, Tokens = tokens, Heads = heads, NopeDim = nopeDim, RopeDim = ropeDim,
            Latents = latents, RopeKeys = ropeKeys, Keys = keys, Rank = rank,
            KvUp = kvUpTransposed, ValueDim = valueDim, Scale = scale, Output = output,
        };
        // One (token, head) pair costs rank · (nope + v) multiply-adds to absorb kv_b_proj on both sides plus
        // 2 · keys · (rank + rope) over the cache; chunks of about 64K multiply-adds are worth a thread.
        long perPair = (long)rank * (nopeDim + valueDim) + 2L * keys * (rank + ropeDim);
        pool.Run(ref work, tokens * heads, (int)Math.Max(1, 65536 / perPair));
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

        public readonly void Execute(int start, int end)
        {
            // Scratch per chunk from the shared pool: after warm-up decoding allocates nothing.
            float[] rented = ArrayPool<float>.Shared.Rent(2 * Rank + Keys);
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
            int t = item / Heads, h = item % Heads;
            int qkDim = NopeDim + RopeDim, upStride = Heads * (NopeDim + ValueDim);
            float* q = Query + (long)item * qkDim;
            float* qLatent = scratch;
            float* oLatent = scratch + Rank;
            float* scores = scratch + 2 * Rank;
            var qNope = new ReadOnlySpan<float>(q, NopeDim);
            var qRope = new ReadOnlySpan<float>(q + NopeDim, RopeDim);
            long keyColumn = (long)h * (NopeDim + ValueDim);
            for (int c = 0; c < Rank; c++)
                qLatent[c] = TensorPrimitives.Dot(qNope, new ReadOnlySpan<float>(KvUp + c * (long)upStride + keyColumn, NopeDim));

            // Causal: query t sits at position keys - tokens + t and sees keys up to and including itself.
            int visible = Keys - Tokens + t + 1;
            var qLatentSpan = new ReadOnlySpan<float>(qLatent, Rank);
            float max = float.NegativeInfinity;
            for (int s = 0; s < visible; s++)
            {
                float score = TensorPrimitives.Dot(qLatentSpan, new ReadOnlySpan<float>(Latents + (long)s * Rank, Rank))
                    + TensorPrimitives.Dot(qRope, new ReadOnlySpan<float>(RopeKeys + (long)s * RopeDim, RopeDim));
                score *= Scale;
                scores[s] = score;
                if (score > max) max = score;
            }
            double sum = 0;
            for (int s = 0; s < visible; s++)
            {
                float e = MathF.Exp(scores[s] - max);
                scores[s] = e;
                sum += e;
            }
            float inverse = (float)(1.0 / sum);

            var oLatentSpan = new Span<float>(oLatent, Rank);
            oLatentSpan.Clear();
            for (int s = 0; s < visible; s++)
                TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(Latents + (long)s * Rank, Rank), scores[s] * inverse, oLatentSpan, oLatentSpan);

            var outSpan = new Span<float>(Output + (long)item * ValueDim, ValueDim);
            outSpan.Clear();
            long valueColumn = keyColumn + NopeDim;
            for (int c = 0; c < Rank; c++)
                TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(KvUp + c * (long)upStride + valueColumn, ValueDim), oLatent[c], outSpan, outSpan);
        }
    }
}
