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
    int valueDim, int rank, float* qLatent, const float* newLatents, const float* newRope, float* cacheLatents, float* cacheRope,
    int start)
{
    grid_dependency_wait();
    int item = blockIdx.x, h = item % heads;
    if (h == 0 && blockIdx.y == 0)
    {
        // One block per token stores its latent and rotary key into cache row start + t.
        i64 t = item / heads, row = start + t;
        for (int i = threadIdx.x; i < rank; i += blockDim.x) cacheLatents[row * rank + i] = newLatents[t * rank + i];
        for (int i = threadIdx.x; i < rope; i += blockDim.x) cacheRope[row * rope + i] = newRope[t * rope + i];
    }
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

// ---- Batch-1 decode (gqa_decode) ----
// A decode step's attention is a few hundred KiB, so its cost is latency: dependent global round trips and
// barriers. gqa_decode makes two round trips (the slot and position; then, all in flight together, the query, the
// new key and value, the rotary angles and the block's cached rows) and works in shared memory after that. A block
// serves one key/value head and one split of its keys for every query head of the group, so each cached row is
// read once per step. The splits of a key/value head form a thread block cluster (sm_90) and merge through
// distributed shared memory; only a context longer than one cluster's DECODE_KEYS keys per block uses several
// clusters, whose partials the last cluster to finish merges through global memory.

#define DECODE_KEYS 32        // keys per block and round: one per lane when scoring
#define DECODE_MAX_CLUSTER 8  // the portable cluster size, the most CudaBackend asks for
#define DECODE_HEADS 4        // query heads of a group held in registers at a time
#define DECODE_SLICES 8       // feature slices of the scores (the block's warps are a multiple)

__device__ __forceinline__ int round4(int n) { return (n + 3) & ~3; }

// Asynchronous copies global -> shared, finished by copy_wait_all: on sm_80+ cp.async needs no register per copy,
// so a block issues all of its copies before the first returns. Earlier GPUs copy synchronously.
__device__ __forceinline__ unsigned shared_address(const float* p)
{
    unsigned address;
    asm("{ .reg .u64 smem; cvta.to.shared.u64 smem, %1; cvt.u32.u64 %0, smem; }" : "=r"(address) : "l"(p));
    return address;
}

__device__ __forceinline__ void copy_async(float* shared, const float* global)
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    asm volatile("cp.async.ca.shared.global [%0], [%1], 4;" :: "r"(shared_address(shared)), "l"(global) : "memory");
#else
    *shared = *global;
#endif
}

__device__ __forceinline__ void copy_async4(float* shared, const float* global)
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16;" :: "r"(shared_address(shared)), "l"(global) : "memory");
#else
    *(float4*)shared = *(const float4*)global;
#endif
}

// Copies count floats, threads `first`, first + step, ... taking a float4 each where both ends allow (16-byte
// aligned, count a multiple of 4): a quarter of the instructions of float copies.
__device__ __forceinline__ void copy_span(float* shared, const float* global, int count, int first, int step)
{
    if (((((u64)shared) | ((u64)global)) & 15) == 0 && (count & 3) == 0)
        for (int i = 4 * first; i < count; i += 4 * step) copy_async4(shared + i, global + i);
    else
        for (int i = first; i < count; i += step) copy_async(shared + i, global + i);
}

__device__ __forceinline__ void copy_wait_all()
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    asm volatile("cp.async.wait_all;" ::: "memory");
#endif
}

// Closes a group of copies; copy_wait_all_but_one waits for all groups but the last one closed.
__device__ __forceinline__ void copy_commit()
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    asm volatile("cp.async.commit_group;" ::: "memory");
#endif
}

__device__ __forceinline__ void copy_wait_all_but_one()
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    asm volatile("cp.async.wait_group 1;" ::: "memory");
#endif
}

// A load the compiler keeps where it is written: not sunk below a comparison of another load (which would make
// two dependent round trips out of one).
__device__ __forceinline__ int load_now(const int* p)
{
    int v;
    asm volatile("ld.global.s32 %0, [%1];" : "=r"(v) : "l"(p) : "memory");
    return v;
}

// Thread block clusters (PTX ISA: %cluster_nctarank, barrier.cluster, mapa). Size and rank are read from the
// hardware: a launch without cluster dimensions, or a GPU before sm_90, runs clusters of one block.
__device__ __forceinline__ int cluster_size()
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    unsigned r;
    asm("mov.u32 %0, %%cluster_nctarank;" : "=r"(r));
    return (int)r;
#else
    return 1;
#endif
}

__device__ __forceinline__ int cluster_rank()
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    unsigned r;
    asm("mov.u32 %0, %%cluster_ctarank;" : "=r"(r));
    return (int)r;
#else
    return 0;
#endif
}

// This block's cluster along x and the number of clusters along x.
__device__ __forceinline__ int cluster_index()
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    unsigned r;
    asm("mov.u32 %0, %%clusterid.x;" : "=r"(r));
    return (int)r;
#else
    return blockIdx.x;
#endif
}

__device__ __forceinline__ int cluster_count()
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    unsigned r;
    asm("mov.u32 %0, %%nclusterid.x;" : "=r"(r));
    return (int)r;
#else
    return gridDim.x;
#endif
}

// Barrier of every thread of the cluster, with release/acquire semantics (the defaults of arrive and wait): shared
// memory written before it is visible to the cluster's other blocks after it.
__device__ __forceinline__ void cluster_sync()
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    asm volatile("barrier.cluster.arrive.aligned;\n\tbarrier.cluster.wait.aligned;" ::: "memory");
#else
    __syncthreads();
#endif
}

// The two halves of a barrier without memory ordering: a block arrives early and waits only where it needs the
// others to have started (before it first writes into their shared memory), so that the wait costs nothing.
__device__ __forceinline__ void cluster_arrive_relaxed()
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    asm volatile("barrier.cluster.arrive.relaxed.aligned;" ::: "memory");
#endif
}

__device__ __forceinline__ void cluster_wait()
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    asm volatile("barrier.cluster.wait.aligned;" ::: "memory");
#endif
}

// The same shared-memory variable as p, in block `rank` of the cluster (a generic address).
__device__ __forceinline__ const float* cluster_map(const float* p, int rank)
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    u64 r;
    asm("mapa.u64 %0, %1, %2;" : "=l"(r) : "l"(p), "r"(rank));
    return (const float*)r;
#else
    return p;
#endif
}

// W consecutive floats (1 or 4) as one value: the float4 forms serve value rows whose length is a multiple of 4.
template <int W> struct Floats
{
    float v[W];
};

template <int W> __device__ __forceinline__ Floats<W> load_floats(const float* p)
{
    Floats<W> r;
    if (W == 4)
    {
        float4 f = *(const float4*)p;
        r.v[0] = f.x;
        r.v[W > 1 ? 1 : 0] = f.y;
        r.v[W > 2 ? 2 : 0] = f.z;
        r.v[W > 3 ? 3 : 0] = f.w;
    }
    else
        r.v[0] = *p;
    return r;
}

template <int W> __device__ __forceinline__ void store_floats(float* p, const Floats<W>& r)
{
    if (W == 4)
    {
        float4 f;
        f.x = r.v[0];
        f.y = r.v[W > 1 ? 1 : 0];
        f.z = r.v[W > 2 ? 2 : 0];
        f.w = r.v[W > 3 ? 3 : 0];
        *(float4*)p = f;
    }
    else
        *p = r.v[0];
}

// Weighted values of this round, out[h, c..c+W) = sum_j p[h, j] v[j, c..c+W), for items (head, W features):
// probabilities broadcast within a warp, a value row read once per item. acc holds the running sums, rescaled by
// correction[h] after the first round.
template <int W> __device__ __forceinline__ void decode_values(const float* probs, const float* tileV, int n, int group,
    int valueDim, const float* correction, bool firstRound, float* acc)
{
    int per = valueDim / W;
    for (int t = threadIdx.x; t < group * per; t += blockDim.x)
    {
        int h = t / per, c = (t - h * per) * W;
        const float* p = probs + h * DECODE_KEYS;
        float a[W];
#pragma unroll
        for (int w = 0; w < W; w++) a[w] = 0.0f;
        int j = 0;
        for (; j + 4 <= n; j += 4)
        {
            float4 pj = *(const float4*)(p + j);
            Floats<W> v0 = load_floats<W>(tileV + j * valueDim + c), v1 = load_floats<W>(tileV + (j + 1) * valueDim + c);
            Floats<W> v2 = load_floats<W>(tileV + (j + 2) * valueDim + c), v3 = load_floats<W>(tileV + (j + 3) * valueDim + c);
#pragma unroll
            for (int w = 0; w < W; w++) a[w] += pj.x * v0.v[w] + pj.y * v1.v[w] + pj.z * v2.v[w] + pj.w * v3.v[w];
        }
        for (; j < n; j++)
        {
            Floats<W> v = load_floats<W>(tileV + j * valueDim + c);
#pragma unroll
            for (int w = 0; w < W; w++) a[w] += p[j] * v.v[w];
        }
        Floats<W> o = firstRound ? Floats<W>() : load_floats<W>(acc + h * valueDim + c);
        float scale = firstRound ? 0.0f : correction[h];
#pragma unroll
        for (int w = 0; w < W; w++) o.v[w] = o.v[w] * scale + a[w];
        store_floats<W>(acc + h * valueDim + c, o);
    }
}

// The cluster's merge is spread over its blocks: block `rank` merges features c = rank, rank + size, ... of every head.
// Each block pushes its partial there, into slot (its rank) of the receive buffer of every block of the cluster:
// [group] maxima, [group] sums, [group, share] weighted values of the receiver's features, share = ceil(valueDim /
// size). Pushing rather than reading the others' memory leaves one cluster barrier and local reads for the merge.
__device__ __forceinline__ void decode_push(const float* runMax, const float* acc, int group, int valueDim, int size, int rank,
    float* receive)
{
    int share = (valueDim + size - 1) / size, slot = 2 * group + group * share, shift = __popc(size - 1); // size: 2^shift
    float* mine = receive + rank * slot;
    for (int t = threadIdx.x; t < group * valueDim; t += blockDim.x)
    {
        int h = t / valueDim, c = t - h * valueDim;
        *(float*)cluster_map(mine + 2 * group + h * share + (c >> shift), c & (size - 1)) = acc[t];
    }
    for (int t = threadIdx.x; t < 2 * group * size; t += blockDim.x) // maxima and sums (runSum follows runMax)
    {
        int to = t / (2 * group), i = t - to * 2 * group;
        *(float*)cluster_map(mine + i, to) = runMax[i];
    }
}

// out = sum_j e^(m_j - M) o_j / sum_j e^(m_j - M) l_j over the received partials, in rank order. With one cluster
// that is the output; with several, this cluster's partial in attn_combine's layout ([heads, clusters],
// [heads, clusters, valueDim]: max M, sum, unnormalized values), the max and sum written alike by every feature's
// thread of a head. A cluster without keys leaves max -inf, sum 0 and values 0.
__device__ __forceinline__ void decode_merge_cluster(const float* receive, int group, int valueDim, int size, int rank, bool single,
    i64 partial, int cluster, int clusters, float* partialMax, float* partialSum, float* partialValues, float* out)
{
    int share = (valueDim + size - 1) / size, slot = 2 * group + group * share;
    int count = (valueDim - rank + size - 1) / size; // this rank's features
    for (int t = threadIdx.x; t < group * count; t += blockDim.x)
    {
        int h = t / count, i = t - h * count, c = rank + i * size;
        float top = NEG_INF;
#pragma unroll
        for (int j = 0; j < DECODE_MAX_CLUSTER; j++)
            if (j < size) top = fmaxf(top, receive[j * slot + h]);
        float total = 0.0f, value = 0.0f;
#pragma unroll
        for (int j = 0; j < DECODE_MAX_CLUSTER; j++)
        {
            float m = j < size ? receive[j * slot + h] : NEG_INF;
            if (m == NEG_INF) continue;
            float e = expf(m - top);
            total += e * receive[j * slot + group + h];
            value += e * receive[j * slot + 2 * group + h * share + i];
        }
        if (single) out[h * valueDim + c] = total > 0.0f ? value / total : 0.0f;
        else
        {
            i64 p = (partial + h) * clusters + cluster;
            partialMax[p] = top;
            partialSum[p] = total;
            partialValues[p * valueDim + c] = value;
        }
    }
}

// The last block of a rank merges that rank's features over the clusters, in cluster order: a running max, so that
// each partial is read once and the loads of several clusters are in flight together.
__device__ __forceinline__ void decode_merge_global(int group, int valueDim, int size, int rank, i64 partial, int clusters,
    int active, const float* partialMax, const float* partialSum, const float* partialValues, float* out)
{
    int count = (valueDim - rank + size - 1) / size;
    for (int t = threadIdx.x; t < group * count; t += blockDim.x)
    {
        int h = t / count, c = rank + (t - h * count) * size;
        i64 p = (partial + h) * clusters;
        float top = NEG_INF, total = 0.0f, value = 0.0f;
#pragma unroll 4
        for (int g = 0; g < active; g++)
        {
            float m = __ldcg(partialMax + p + g), l = __ldcg(partialSum + p + g), v = __ldcg(partialValues + (p + g) * valueDim + c);
            float next = fmaxf(top, m);
            float keep = top == NEG_INF ? 0.0f : expf(top - next), take = m == NEG_INF ? 0.0f : expf(m - next);
            total = total * keep + l * take;
            value = value * keep + v * take;
            top = next;
        }
        out[h * valueDim + c] = total > 0.0f ? value / total : 0.0f;
    }
}

// Batch-1 decode in one kernel: rotation, cache store, attention and the merge of the splits. grid (clusters * size,
// kvHeads), block 512, launched in clusters of `size` blocks along x (CudaBackend sets the function's cluster width;
// without it every block is a cluster of one). Block x of key/value head kh takes split x of the visible keys for
// query heads kh * group .. kh * group + group - 1. How many splits take part follows the position, not the capacity
// the grid was sized for: one cluster up to size * DECODE_KEYS keys, more only for longer contexts, and the blocks
// of the clusters not needed leave at once. A block takes its keys in rounds of DECODE_KEYS, the next round's copies
// in flight during this one when `buffers` is 2. The block that holds the new position loads the new key and value
// into its tile, rotates the key there and writes both to the cache; no block reads that row back from the cache.
// Results depend on the position only: every merge runs in a fixed order. query and keys are read, not modified.
// Dynamic shared memory (floats): round4(group * headDim) + 2 * round4(half) + buffers * tile
// + DECODE_SLICES * group * DECODE_KEYS + group * valueDim + 3 * group + size * (2 * group + group * share), where
// tile = DECODE_KEYS * strideK + round4(DECODE_KEYS * valueDim), strideK as below, share = ceil(valueDim / size).
extern "C" __global__ void gqa_decode(const float* query, int heads, const float* keys, const float* values, int kvHeads, int headDim,
    int valueDim, float* cacheKeys, float* cacheValues, int slotCount, int capacity, const int* slots, const int* positions,
    const float* cosTable, const float* sinTable, int half, int maxPositions, int interleaved, float scale, int buffers,
    float* partialMax, float* partialSum, float* partialValues, int* counters, float* output, int* errors)
{
    grid_dependency_wait();
    extern __shared__ __attribute__((aligned(16))) float shared[];
    __shared__ int last;
    int kh = blockIdx.y, group = heads / kvHeads;
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    bool vecK = (headDim & 3) == 0, vecV = (valueDim & 3) == 0;
    int strideK = vecK ? headDim + 4 : headDim + 1; // lane-per-key reads of a feature fall in different banks
    int tile = DECODE_KEYS * strideK + round4(DECODE_KEYS * valueDim);
    // Sections start at multiples of 4 floats, so that rows of 4k floats can be read as float4.
    float* q = shared;                              // [group, headDim] the group's query heads, rotated in place
    float* cosAt = q + round4(group * headDim);     // [half] the angles of position pos
    float* sinAt = cosAt + round4(half);
    float* tiles = sinAt + round4(half);            // buffers x ([DECODE_KEYS, strideK] keys, [DECODE_KEYS, valueDim] values)
    float* dots = tiles + buffers * tile;           // [DECODE_SLICES, group, DECODE_KEYS] partial scores; then the
                                                    // probabilities in the first slice's rows
    float* acc = dots + DECODE_SLICES * group * DECODE_KEYS; // [group, valueDim] unnormalized weighted values
    float* runMax = acc + group * valueDim;         // [group] online softmax per head: max, sum, last rescaling
    float* runSum = runMax + group;
    float* correction = runSum + group;
    float* receive = correction + group;            // [size, slot] partials pushed by the cluster (decode_push)

    // The slot and the position are both requested before either is compared (volatile loads stay in order and
    // ahead of the checks), and the query, which does not depend on them, is copied meanwhile: one round trip.
    int slot = load_now(slots), pos = load_now(positions);
    copy_span(q, query + (i64)kh * group * headDim, group * headDim, threadIdx.x, blockDim.x);
    bool first = blockIdx.x == 0 && kh == 0 && threadIdx.x == 0;
    int error = slot < 0 || slot >= slotCount ? ERR_CACHE_SLOT : pos < 0 || pos >= capacity ? ERR_CACHE_POSITION
        : cosTable && pos >= maxPositions ? ERR_ROTARY_POSITION : 0;
    if (error)
    {
        if (first) report_error(errors, error, error == ERR_CACHE_SLOT ? slot : pos, 0);
        copy_wait_all();
        return;
    }

    // size * DECODE_KEYS is a power of two (CudaBackend asks for 8 or nothing): a shift, not a division.
    int size = cluster_size(), rank = cluster_rank(), cluster = cluster_index(), clusters = cluster_count();
    int visible = pos + 1;
    int active = min(clusters, ((visible - 1) >> __popc(size * DECODE_KEYS - 1)) + 1);
    if (cluster >= active) // the whole cluster leaves: no barrier waits for it
    {
        copy_wait_all();
        return;
    }
    cluster_arrive_relaxed(); // waited for before the first push: by then every block of the cluster has started
    int begin, end;
    split_range(visible, blockIdx.x, active * size, &begin, &end);
    i64 head = (i64)slot * kvHeads + kh;
    const float* ck = cacheKeys + head * capacity * headDim;
    const float* cv = cacheValues + head * capacity * valueDim;
    if (begin < end && cosTable)
    {
        copy_span(cosAt, cosTable + (i64)pos * half, half, threadIdx.x, blockDim.x);
        copy_span(sinAt, sinTable + (i64)pos * half, half, threadIdx.x, blockDim.x);
    }

    // Round r copies keys begin + r * DECODE_KEYS.. into buffer r % buffers; the new row comes from keys/values.
    int rounds = (end - begin + DECODE_KEYS - 1) / DECODE_KEYS;
    auto issue = [&](int r)
    {
        int r0 = begin + r * DECODE_KEYS, n = min(DECODE_KEYS, end - r0);
        float* tk = tiles + (r % buffers) * tile;
        float* tv = tk + DECODE_KEYS * strideK;
        for (int j = warp; j < n; j += warps)
        {
            bool fresh = r0 + j == pos;
            copy_span(tk + j * strideK, fresh ? keys + (i64)kh * headDim : ck + (i64)(r0 + j) * headDim, headDim, lane, 32);
            copy_span(tv + j * valueDim, fresh ? values + (i64)kh * valueDim : cv + (i64)(r0 + j) * valueDim, valueDim, lane, 32);
        }
        copy_commit();
    };
    if (rounds > 0) issue(0);
    else
    {
        copy_wait_all();
        for (int h = threadIdx.x; h < group; h += blockDim.x) runMax[h] = NEG_INF; // an empty split weighs nothing
    }

    for (int r = 0; r < rounds; r++)
    {
        int r0 = begin + r * DECODE_KEYS, n = min(DECODE_KEYS, end - r0);
        bool firstRound = r == 0, prefetch = buffers > 1 && r + 1 < rounds;
        if (r > 0 && buffers == 1) issue(r); // one buffer: this round's copies start only now
        if (prefetch)
        {
            issue(r + 1);
            copy_wait_all_but_one();
        }
        else copy_wait_all();
        __syncthreads();
        float* tileK = tiles + (r % buffers) * tile;
        float* tileV = tileK + DECODE_KEYS * strideK;
        int fresh = r0 <= pos && pos < r0 + n ? pos - r0 : -1; // the tile row of the new key and value, if here

        // Rotation as gqa_store: pairs (i, i + half), or (2i, 2i + 1) when interleaved, of the query heads (first
        // round) and of the new key (its round).
        int rotated = cosTable ? (firstRound ? group : 0) + (fresh >= 0 ? 1 : 0) : 0;
        if (rotated > 0)
        {
            for (int j = threadIdx.x; j < rotated * half; j += blockDim.x)
            {
                int h = j / half, i = j - h * half;
                float* x = firstRound && h < group ? q + h * headDim : tileK + fresh * strideK;
                int ia = interleaved ? 2 * i : i, ib = interleaved ? 2 * i + 1 : i + half;
                float a = x[ia], b = x[ib], c = cosAt[i], s = sinAt[i];
                x[ia] = a * c - b * s;
                x[ib] = b * c + a * s;
            }
            __syncthreads();
        }
        if (fresh >= 0)
        {
            i64 row = head * capacity + pos;
            for (int i = threadIdx.x; i < headDim; i += blockDim.x) cacheKeys[row * headDim + i] = tileK[fresh * strideK + i];
            for (int i = threadIdx.x; i < valueDim; i += blockDim.x) cacheValues[row * valueDim + i] = tileV[fresh * valueDim + i];
        }

        // Partial scores: lane per key; warp w takes feature slice w % DECODE_SLICES for query heads w / DECODE_SLICES,
        // + warps / DECODE_SLICES, ..., so that a key feature is read from shared memory once per head group rather
        // than once per head.
        int headStep = warps / DECODE_SLICES, slice = warp % DECODE_SLICES;
        int width = vecK ? (headDim + 4 * DECODE_SLICES - 1) / (4 * DECODE_SLICES) * 4 : (headDim + DECODE_SLICES - 1) / DECODE_SLICES;
        int dBegin = slice * width, dEnd = min(headDim, dBegin + width);
        for (int h0 = warp / DECODE_SLICES; h0 < group; h0 += DECODE_HEADS * headStep)
        {
            float a[DECODE_HEADS];
#pragma unroll
            for (int i = 0; i < DECODE_HEADS; i++) a[i] = 0.0f;
            if (lane < n)
            {
                const float* k = tileK + lane * strideK;
                if (vecK)
                    for (int d = dBegin; d < dEnd; d += 4)
                    {
                        float4 kv = *(const float4*)(k + d);
#pragma unroll
                        for (int i = 0; i < DECODE_HEADS; i++)
                            if (h0 + i * headStep < group)
                            {
                                float4 qv = *(const float4*)(q + (h0 + i * headStep) * headDim + d);
                                a[i] += qv.x * kv.x + qv.y * kv.y + qv.z * kv.z + qv.w * kv.w;
                            }
                    }
                else
                    for (int d = dBegin; d < dEnd; d++)
                    {
                        float kv = k[d];
#pragma unroll
                        for (int i = 0; i < DECODE_HEADS; i++)
                            if (h0 + i * headStep < group) a[i] += q[(h0 + i * headStep) * headDim + d] * kv;
                    }
            }
#pragma unroll
            for (int i = 0; i < DECODE_HEADS; i++)
                if (h0 + i * headStep < group) dots[(slice * group + h0 + i * headStep) * DECODE_KEYS + lane] = a[i];
        }
        __syncthreads();

        // Warp per query head, lane per key: the slices are added in order, and the head's max and sum stay in the
        // warp. The probabilities replace the first slice's row of the head.
        for (int h = warp; h < group; h += warps)
        {
            float score = NEG_INF;
            if (lane < n)
            {
                float dot = 0.0f;
                for (int w = 0; w < DECODE_SLICES; w++) dot += dots[(w * group + h) * DECODE_KEYS + lane];
                score = dot * scale;
            }
            float previous = firstRound ? NEG_INF : runMax[h];
            float m = fmaxf(previous, warp_max(score));
            float p = lane < n ? expf(score - m) : 0.0f;
            float sum = warp_sum(p);
            dots[h * DECODE_KEYS + lane] = p;
            if (lane == 0)
            {
                float c = expf(previous - m);
                correction[h] = c;
                runMax[h] = m;
                runSum[h] = firstRound ? sum : runSum[h] * c + sum;
            }
        }
        __syncthreads();

        if (vecV) decode_values<4>(dots, tileV, n, group, valueDim, correction, firstRound, acc);
        else decode_values<1>(dots, tileV, n, group, valueDim, correction, firstRound, acc);
        if (r + 1 < rounds) __syncthreads(); // the round after next refills this round's tiles
    }

    __syncthreads();
    cluster_wait();
    decode_push(runMax, acc, group, valueDim, size, rank, receive);
    cluster_sync(); // the pushed partials are visible to their receivers; no block reads another's memory after it
    float* out = output + (i64)kh * group * valueDim;
    i64 partial = (i64)kh * group;
    decode_merge_cluster(receive, group, valueDim, size, rank, active == 1, partial, cluster, clusters, partialMax, partialSum,
        partialValues, out);
    if (active == 1) return;

    // Several clusters: the last block of a rank to publish (a counter per key/value head and rank, reset by it)
    // merges that rank's features over the clusters.
    __threadfence();
    __syncthreads();
    if (rank >= valueDim) return; // a rank without features
    if (threadIdx.x == 0) last = atomicAdd(counters + kh * size + rank, 1) == active - 1;
    __syncthreads();
    if (!last) return;
    __threadfence();
    decode_merge_global(group, valueDim, size, rank, partial, clusters, active, partialMax, partialSum, partialValues, out);
    if (threadIdx.x == 0) counters[kh * size + rank] = 0;
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
