// Attention for decode and prefill, reading the caches in place: split-K online softmax ("flash decoding").
// A block takes one query item (a token's head) and one split of its visible keys; its 8 warps stride over the
// keys, each keeping a running max, sum and weighted value row (Milakov & Gimelshein 2018, online softmax), then
// the block merges its warps into one partial. attn_combine (or mla_combine_value) merges the splits.
#include "common.cuh"

#define ATTN_WARPS 8
#define ATTN_KEYS 4

// Partial attention of one query over keys [begin, end): score_s = (qa . ka_s + qb . kb_s) * scale, values v_s.
// shared: dimA + dimB + ATTN_WARPS * (dimV + 2) floats. Writes the merged max, sum and unnormalized values.
__device__ void attend_split(const float* qaGlobal, int dimA, const float* qbGlobal, int dimB,
    const float* ka, i64 strideA, const float* kb, i64 strideB, const float* v, i64 strideV, int dimV,
    int begin, int end, float scale, float* outMax, float* outSum, float* outValues, float* shared)
{
    float* qa = shared;
    float* qb = qa + dimA;
    float* o = qb + dimB;
    float* wm = o + ATTN_WARPS * dimV;
    float* wl = wm + ATTN_WARPS;
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    for (int i = threadIdx.x; i < dimA; i += blockDim.x) qa[i] = qaGlobal[i];
    for (int i = threadIdx.x; i < dimB; i += blockDim.x) qb[i] = qbGlobal[i];
    float* ow = o + warp * dimV;
    for (int c = lane; c < dimV; c += 32) ow[c] = 0.0f;
    __syncthreads();

    // Each warp takes ATTN_KEYS keys per pass (keys s, s + ATTN_WARPS, ...), so that their loads are in flight
    // together rather than one dependent HBM/L2 round trip per key.
    float m = NEG_INF, l = 0.0f;
    for (int s0 = begin + warp; s0 < end; s0 += ATTN_WARPS * ATTN_KEYS)
    {
        float dot[ATTN_KEYS];
#pragma unroll
        for (int j = 0; j < ATTN_KEYS; j++) dot[j] = 0.0f;
        for (int c = lane; c < dimA; c += 32)
        {
            float q = qa[c];
#pragma unroll
            for (int j = 0; j < ATTN_KEYS; j++)
            {
                int s = s0 + j * ATTN_WARPS;
                if (s < end) dot[j] += q * ka[(i64)s * strideA + c];
            }
        }
        for (int c = lane; c < dimB; c += 32)
        {
            float q = qb[c];
#pragma unroll
            for (int j = 0; j < ATTN_KEYS; j++)
            {
                int s = s0 + j * ATTN_WARPS;
                if (s < end) dot[j] += q * kb[(i64)s * strideB + c];
            }
        }
        float mNew = m, p[ATTN_KEYS];
#pragma unroll
        for (int j = 0; j < ATTN_KEYS; j++)
        {
            dot[j] = warp_sum(dot[j]) * scale;
            if (s0 + j * ATTN_WARPS < end) mNew = fmaxf(mNew, dot[j]);
        }
        float correction = expf(m - mNew);
        l *= correction;
#pragma unroll
        for (int j = 0; j < ATTN_KEYS; j++)
        {
            p[j] = s0 + j * ATTN_WARPS < end ? expf(dot[j] - mNew) : 0.0f;
            l += p[j];
        }
        for (int c = lane; c < dimV; c += 32)
        {
            float acc = ow[c] * correction;
#pragma unroll
            for (int j = 0; j < ATTN_KEYS; j++)
            {
                int s = s0 + j * ATTN_WARPS;
                if (s < end) acc += p[j] * v[(i64)s * strideV + c];
            }
            ow[c] = acc;
        }
        m = mNew;
    }
    if (lane == 0)
    {
        wm[warp] = m;
        wl[warp] = l;
    }
    __syncthreads();

    float blockMax = NEG_INF;
    for (int w = 0; w < ATTN_WARPS; w++) blockMax = fmaxf(blockMax, wm[w]);
    float blockSum = 0.0f;
    for (int w = 0; w < ATTN_WARPS; w++)
        if (wm[w] != NEG_INF) blockSum += wl[w] * expf(wm[w] - blockMax);
    for (int c = threadIdx.x; c < dimV; c += blockDim.x)
    {
        float acc = 0.0f;
        for (int w = 0; w < ATTN_WARPS; w++)
            if (wm[w] != NEG_INF) acc += o[w * dimV + c] * expf(wm[w] - blockMax);
        outValues[c] = acc;
    }
    if (threadIdx.x == 0)
    {
        *outMax = blockMax;
        *outSum = blockSum;
    }
}

// The keys of split `split` out of `splits` over `visible` keys.
__device__ __forceinline__ void split_range(int visible, int split, int splits, int* begin, int* end)
{
    int chunk = (visible + splits - 1) / splits;
    int b = split * chunk;
    int e = b + chunk;
    *begin = b < visible ? b : visible;
    *end = e < visible ? e : visible;
}

// Merges the splits of one item: out[:] = sum_s e^(m_s - M) o_s / sum_s e^(m_s - M) l_s. The partials are read
// past L1 (__ldcg): in gqa_decode other blocks of the same launch wrote them. weights: 64 floats of shared memory.
__device__ void combine_item(const float* pm, const float* ps, const float* pv, int splits, int dimV, float* out, float* weights)
{
    float blockMax = NEG_INF;
    for (int s = 0; s < splits; s++) blockMax = fmaxf(blockMax, __ldcg(pm + s));
    float total = 0.0f;
    for (int s = 0; s < splits; s++)
    {
        float m = __ldcg(pm + s);
        float w = m == NEG_INF ? 0.0f : expf(m - blockMax);
        if (threadIdx.x == 0) weights[s] = w;
        total += w * __ldcg(ps + s);
    }
    __syncthreads();
    float inv = total > 0.0f ? 1.0f / total : 0.0f;
    for (int c = threadIdx.x; c < dimV; c += blockDim.x)
    {
        float acc = 0.0f;
        for (int s = 0; s < splits; s++) acc += weights[s] * __ldcg(pv + (i64)s * dimV + c);
        out[c] = acc * inv;
    }
}

// Merges the splits of each item. grid (items).
extern "C" __global__ void attn_combine(const float* partialMax, const float* partialSum, const float* partialValues,
    int splits, int dimV, float* output)
{
    grid_dependency_wait();
    __shared__ float weights[64];
    int item = blockIdx.x;
    combine_item(partialMax + (i64)item * splits, partialSum + (i64)item * splits, partialValues + (i64)item * splits * dimV,
        splits, dimV, output + (i64)item * dimV, weights);
}

// ---- Multi-head latent attention, absorbed form (DeepSeek-V2 2.1.2; inference/model.py attn_impl="absorb") ----
// query [tokens, heads, nope + rope]; kvUp [rank, heads * (nope + valueDim)] is kv_b_proj's weight transposed.

// qLatent[item, c] = sum_d q_nope[item, d] * kvUp[c, h (nope + valueDim) + d]: W_uk folded into the query.
// grid (tokens * heads, ceil(rank / 8)), block 256: a warp per latent column, lanes over d (coalesced).
extern "C" __global__ void mla_absorb_query(const float* query, int heads, int nope, int rope, const float* kvUp, int upStride,
    int valueDim, int rank, float* qLatent)
{
    grid_dependency_wait();
    int item = blockIdx.x, h = item % heads;
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    int c = blockIdx.y * 8 + warp;
    if (c >= rank) return;
    const float* q = query + (i64)item * (nope + rope);
    const float* w = kvUp + (i64)c * upStride + (i64)h * (nope + valueDim);
    float dot = 0.0f;
    for (int d = lane; d < nope; d += 32) dot += q[d] * w[d];
    dot = warp_sum(dot);
    if (lane == 0) qLatent[(i64)item * rank + c] = dot;
}

// Scores over the cached latents c_s (rank) and rotated shared keys k_s (rope), values the latents themselves.
// Query token t is position keys - tokens + t and sees keys 0..that position. grid (tokens * heads, splits), block 256.
extern "C" __global__ void mla_attend(const float* qLatent, const float* query, int tokens, int heads, int nope, int rope, int rank,
    const float* latents, const float* ropeKeys, int keys, float scale, int splits,
    float* partialMax, float* partialSum, float* partialValues)
{
    grid_dependency_wait();
    extern __shared__ float shared[];
    int item = blockIdx.x, t = item / heads, split = blockIdx.y;
    int visible = keys - tokens + t + 1;
    int begin, end;
    split_range(visible, split, splits, &begin, &end);
    i64 p = (i64)item * splits + split;
    attend_split(qLatent + (i64)item * rank, rank, query + (i64)item * (nope + rope) + nope, rope,
        latents, rank, ropeKeys, rope, latents, rank, rank, begin, end, scale,
        partialMax + p, partialSum + p, partialValues + p * rank, shared);
}

// out[item, v] = sum_c oLatent[item, c] * kvUp[c, h (nope + valueDim) + nope + v]: W_uv applied after attention.
// grid (tokens * heads, ceil(valueDim / 32)), block 256: lanes over v (coalesced rows of kvUp), warps over c.
extern "C" __global__ void mla_absorb_value(const float* oLatent, int heads, int rank, const float* kvUp, int upStride,
    int nope, int valueDim, float* output)
{
    grid_dependency_wait();
    __shared__ float partial[8][32];
    int item = blockIdx.x, h = item % heads;
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    int v = blockIdx.y * 32 + lane;
    const float* o = oLatent + (i64)item * rank;
    float acc = 0.0f;
    if (v < valueDim)
    {
        const float* w = kvUp + (i64)h * (nope + valueDim) + nope + v;
        for (int c = warp; c < rank; c += 8) acc += o[c] * w[(i64)c * upStride];
    }
    partial[warp][lane] = acc;
    __syncthreads();
    if (warp == 0 && v < valueDim)
    {
        float sum = 0.0f;
        for (int i = 0; i < 8; i++) sum += partial[i][lane];
        output[(i64)item * valueDim + v] = sum;
    }
}

// ---- Grouped-query attention over a slot-based K/V cache (Llama, Qwen2) ----
// cacheKeys [slots, kvHeads, capacity, headDim], cacheValues [slots, kvHeads, capacity, valueDim].

// Stores row r's keys and values at position positions[r] of slot slots[r]. grid (rows, kvHeads). With cos/sin
// tables (cosTable non-null), first rotates in place, at that position, key head kh and the query heads that read it
// (kh * group .. kh * group + group - 1), as rotary_f32 would: the rotation costs no launch of its own.
extern "C" __global__ void gqa_store(float* query, int heads, float* keys, const float* values, int kvHeads, int headDim, int valueDim,
    float* cacheKeys, float* cacheValues, int slotCount, int capacity, const int* slots, const int* positions,
    const float* cosTable, const float* sinTable, int half, int maxPositions, int interleaved, int* errors)
{
    grid_dependency_wait();
    int r = blockIdx.x, kh = blockIdx.y;
    int slot = slots[r], pos = positions[r];
    if (slot < 0 || slot >= slotCount)
    {
        if (threadIdx.x == 0 && kh == 0) report_error(errors, ERR_CACHE_SLOT, slot, r);
        return;
    }
    if (pos < 0 || pos >= capacity)
    {
        if (threadIdx.x == 0 && kh == 0) report_error(errors, ERR_CACHE_POSITION, pos, r);
        return;
    }
    float* k = keys + ((i64)r * kvHeads + kh) * headDim;
    if (cosTable)
    {
        if (pos >= maxPositions)
        {
            if (threadIdx.x == 0 && kh == 0) report_error(errors, ERR_ROTARY_POSITION, pos, r);
            return;
        }
        const float* c = cosTable + (i64)pos * half;
        const float* s = sinTable + (i64)pos * half;
        int group = heads / kvHeads;
        for (int j = threadIdx.x; j < (group + 1) * half; j += blockDim.x)
        {
            int h = j / half, i = j % half;
            float* v = h < group ? query + ((i64)r * heads + kh * group + h) * headDim : k;
            int ia = interleaved ? 2 * i : i, ib = interleaved ? 2 * i + 1 : i + half;
            float a = v[ia], b = v[ib];
            v[ia] = a * c[i] - b * s[i];
            v[ib] = b * c[i] + a * s[i];
        }
        __syncthreads();
    }
    i64 row = ((i64)slot * kvHeads + kh) * capacity + pos;
    const float* v = values + ((i64)r * kvHeads + kh) * valueDim;
    for (int i = threadIdx.x; i < headDim; i += blockDim.x) cacheKeys[row * headDim + i] = k[i];
    for (int i = threadIdx.x; i < valueDim; i += blockDim.x) cacheValues[row * valueDim + i] = v[i];
}

// Query head h of row r reads key/value head h / (heads / kvHeads) of its slot over positions 0..positions[r].
// grid (rows * heads, splits), block 256.
extern "C" __global__ void gqa_attend(const float* query, int heads, int kvHeads, int headDim, int valueDim,
    const float* cacheKeys, const float* cacheValues, int slotCount, int capacity, const int* slots, const int* positions,
    float scale, int splits, float* partialMax, float* partialSum, float* partialValues)
{
    grid_dependency_wait();
    extern __shared__ float shared[];
    int item = blockIdx.x, r = item / heads, h = item % heads, split = blockIdx.y;
    int kh = h / (heads / kvHeads);
    int slot = slots[r], pos = positions[r];
    bool valid = slot >= 0 && slot < slotCount && pos >= 0 && pos < capacity;
    int begin = 0, end = 0;
    if (valid) split_range(pos + 1, split, splits, &begin, &end);
    else slot = 0;
    i64 p = (i64)item * splits + split;
    i64 head = (i64)slot * kvHeads + kh;
    attend_split(query + (i64)item * headDim, headDim, query, 0,
        cacheKeys + head * capacity * headDim, headDim, cacheKeys, 0,
        cacheValues + head * capacity * valueDim, valueDim, valueDim, begin, end, scale,
        partialMax + p, partialSum + p, partialValues + p * valueDim, shared);
}

// Feature i of head x rotated at the angles c/s (rotary_f32's pairing); features past 2 * half pass through.
__device__ __forceinline__ float rotated_feature(const float* x, int i, int half, int interleaved, const float* c, const float* s)
{
    if (i >= 2 * half) return x[i];
    if (interleaved)
    {
        int j = i >> 1;
        return (i & 1) ? x[i] * c[j] + x[i - 1] * s[j] : x[i] * c[j] - x[i + 1] * s[j];
    }
    return i < half ? x[i] * c[i] - x[i + half] * s[i] : x[i] * c[i - half] + x[i - half] * s[i - half];
}

// Batch-1 decode in one kernel: rotation, cache store, attention over the splits and their merge. grid (heads,
// splits), block 256. Each block rotates its query head into shared memory; every block whose split holds the new
// position writes the rotated key and the value there first (the blocks of one key head write identical bytes), so
// its own reads see them; the last block of a head to finish (a counter per head, reset by that block) merges the
// splits in a fixed order, as attn_combine does. query and keys are read, not modified.
extern "C" __global__ void gqa_decode(const float* query, int heads, const float* keys, const float* values, int kvHeads, int headDim,
    int valueDim, float* cacheKeys, float* cacheValues, int slotCount, int capacity, const int* slots, const int* positions,
    const float* cosTable, const float* sinTable, int half, int maxPositions, int interleaved, float scale, int splits,
    float* partialMax, float* partialSum, float* partialValues, int* counters, float* output, int* errors)
{
    grid_dependency_wait();
    extern __shared__ float shared[];
    __shared__ float weights[64];
    __shared__ int last;
    int h = blockIdx.x, split = blockIdx.y, kh = h / (heads / kvHeads);
    int slot = slots[0], pos = positions[0];
    bool first = h == 0 && split == 0 && threadIdx.x == 0;
    if (slot < 0 || slot >= slotCount) { if (first) report_error(errors, ERR_CACHE_SLOT, slot, 0); return; }
    if (pos < 0 || pos >= capacity) { if (first) report_error(errors, ERR_CACHE_POSITION, pos, 0); return; }
    if (cosTable && pos >= maxPositions) { if (first) report_error(errors, ERR_ROTARY_POSITION, pos, 0); return; }
    const float* c = cosTable ? cosTable + (i64)pos * half : 0;
    const float* s = cosTable ? sinTable + (i64)pos * half : 0;
    float* q = shared + headDim + ATTN_WARPS * (valueDim + 2);
    const float* qh = query + (i64)h * headDim;
    for (int i = threadIdx.x; i < headDim; i += blockDim.x) q[i] = c ? rotated_feature(qh, i, half, interleaved, c, s) : qh[i];
    int begin, end;
    split_range(pos + 1, split, splits, &begin, &end);
    i64 head = (i64)slot * kvHeads + kh;
    if (begin <= pos && pos < end)
    {
        const float* k = keys + (i64)kh * headDim;
        const float* v = values + (i64)kh * valueDim;
        i64 row = head * capacity + pos;
        for (int i = threadIdx.x; i < headDim; i += blockDim.x) cacheKeys[row * headDim + i] = c ? rotated_feature(k, i, half, interleaved, c, s) : k[i];
        for (int i = threadIdx.x; i < valueDim; i += blockDim.x) cacheValues[row * valueDim + i] = v[i];
    }
    __syncthreads();
    i64 p = (i64)h * splits + split;
    attend_split(q, headDim, q, 0, cacheKeys + head * capacity * headDim, headDim, cacheKeys, 0,
        cacheValues + head * capacity * valueDim, valueDim, valueDim, begin, end, scale,
        partialMax + p, partialSum + p, partialValues + p * valueDim, shared);

    // Publish this split, then let the last block of the head merge them all.
    __threadfence();
    __syncthreads();
    if (threadIdx.x == 0) last = atomicAdd(counters + h, 1) == splits - 1;
    __syncthreads();
    if (!last) return;
    __threadfence();
    combine_item(partialMax + (i64)h * splits, partialSum + (i64)h * splits, partialValues + (i64)h * splits * valueDim,
        splits, valueDim, output + (i64)h * valueDim, weights);
    if (threadIdx.x == 0) counters[h] = 0;
}

// ---- Attention without a mask (image encoders) ----

// Query item (b, q, h) of query [batch, queries, heads, headDim] over every key of its batch item: keys
// [batch, keys, heads, headDim], values [batch, keys, heads, valueDim]. grid (batch * queries * heads, splits),
// block 256; attn_combine merges the splits.
extern "C" __global__ void full_attend(const float* query, const float* keys, const float* values, int queries, int keyCount,
    int heads, int headDim, int valueDim, float scale, int splits, float* partialMax, float* partialSum, float* partialValues)
{
    grid_dependency_wait();
    extern __shared__ float shared[];
    int item = blockIdx.x, split = blockIdx.y;
    int h = item % heads;
    i64 b = item / heads / queries;
    int begin, end;
    split_range(keyCount, split, splits, &begin, &end);
    i64 p = (i64)item * splits + split;
    attend_split(query + (i64)item * headDim, headDim, query, 0,
        keys + (b * keyCount * heads + h) * headDim, (i64)heads * headDim, keys, 0,
        values + (b * keyCount * heads + h) * valueDim, (i64)heads * valueDim, valueDim, begin, end, scale,
        partialMax + p, partialSum + p, partialValues + p * valueDim, shared);
}
