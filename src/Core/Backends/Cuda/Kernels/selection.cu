// Argmax and top-k per row. Ties go to the lower index (the CPU kernels' rule, and torch's for
// these shapes), so greedy decoding and expert routing agree across backends.
#include "common.cuh"

// (value, index) ordered by value descending, then index ascending: true when a comes first.
__device__ __forceinline__ bool precedes(float va, int ia, float vb, int ib)
{
    return va > vb || (va == vb && ia < ib);
}

// Argmax order: a number beats NaN; among numbers the larger wins and ties go to the lower index; NaN beats only a
// NaN of higher index (so NaN survives only in an all-NaN row, at its first index: the CPU's and Sampler.ArgMax's rule).
__device__ __forceinline__ bool argmax_precedes(float va, int ia, float vb, int ib)
{
    if (ib < 0) return ia >= 0;
    if (ia < 0) return false;
    if (va != va) return vb != vb && ia < ib;
    if (vb != vb) return true;
    return va > vb || (va == vb && ia < ib);
}

// Top-k's order with empty candidates (index -1) last.
__device__ __forceinline__ bool topk_precedes(float va, int ia, float vb, int ib)
{
    return ia >= 0 && (ib < 0 || precedes(va, ia, vb, ib));
}

// The first (value, index) over the block in the order BEFORE; every thread gets it. Empty candidates carry index -1.
template <bool (*BEFORE)(float, int, float, int)>
__device__ __forceinline__ void block_best(float& v, int& idx, float* values, int* indices)
{
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
#pragma unroll
    for (int o = 16; o > 0; o >>= 1)
    {
        float ov = __shfl_xor_sync(0xFFFFFFFFu, v, o);
        int oi = __shfl_xor_sync(0xFFFFFFFFu, idx, o);
        if (BEFORE(ov, oi, v, idx)) { v = ov; idx = oi; }
    }
    if (lane == 0) { values[warp] = v; indices[warp] = idx; }
    __syncthreads();
    v = lane < warps ? values[lane] : 0.0f;
    idx = lane < warps ? indices[lane] : -1;
#pragma unroll
    for (int o = 16; o > 0; o >>= 1)
    {
        float ov = __shfl_xor_sync(0xFFFFFFFFu, v, o);
        int oi = __shfl_xor_sync(0xFFFFFFFFu, idx, o);
        if (BEFORE(ov, oi, v, idx)) { v = ov; idx = oi; }
    }
    __syncthreads();
}

// Argmax of each row, a row split over gridDim.x blocks (a vocabulary row of 150k logits is too long for one SM to
// scan quickly: greedy decoding waits on it every step). grid (parts, rows). Each block reduces its part to one
// (value, index) pair; the last block of a row to finish (a counter per row, reset by that block) merges the parts.
// The merge is exact whatever the order, so the result does not depend on timing.
extern "C" __global__ void argmax_f32(const float* x, int cols, int* indices, float* partValues, int* partIndices, int* counters)
{
    grid_dependency_wait();
    __shared__ float sv[32];
    __shared__ int si[32];
    __shared__ int last;
    int parts = gridDim.x, part = blockIdx.x, r = blockIdx.y;
    const float* row = x + (i64)r * cols;
    int chunk = (cols + parts - 1) / parts;
    int begin = part * chunk, end = min(cols, begin + chunk);
    float best = 0.0f;
    int bestIndex = -1;
    for (int i = begin + threadIdx.x; i < end; i += blockDim.x)
    {
        float v = row[i];
        if (argmax_precedes(v, i, best, bestIndex)) { best = v; bestIndex = i; }
    }
    block_best<argmax_precedes>(best, bestIndex, sv, si);
    i64 p = (i64)r * parts + part;
    if (threadIdx.x == 0) { partValues[p] = best; partIndices[p] = bestIndex; }
    __threadfence();
    __syncthreads();
    if (threadIdx.x == 0) last = atomicAdd(counters + r, 1) == parts - 1;
    __syncthreads();
    if (!last) return;
    __threadfence();
    best = 0.0f;
    bestIndex = -1;
    for (int i = threadIdx.x; i < parts; i += blockDim.x)
    {
        float v = __ldcg(partValues + (i64)r * parts + i);
        int idx = __ldcg(partIndices + (i64)r * parts + i);
        if (argmax_precedes(v, idx, best, bestIndex)) { best = v; bestIndex = idx; }
    }
    block_best<argmax_precedes>(best, bestIndex, sv, si);
    if (threadIdx.x == 0)
    {
        indices[r] = bestIndex < 0 ? 0 : bestIndex;
        counters[r] = 0;
    }
}

// k rounds, each taking the best element that comes after the previous pick in (value desc, index asc) order.
// k is small (experts per token, sampling candidates), so k scans of the row cost less than a sort.
extern "C" __global__ void topk_f32(const float* x, int cols, int k, float* values, int* indices)
{
    grid_dependency_wait();
    __shared__ float sv[32];
    __shared__ int si[32];
    const float* row = x + (i64)blockIdx.x * cols;
    float prevValue = 0.0f;
    int prevIndex = -1;
    for (int round = 0; round < k; round++)
    {
        float best = 0.0f;
        int bestIndex = -1;
        for (int i = threadIdx.x; i < cols; i += blockDim.x)
        {
            float v = row[i];
            if (prevIndex >= 0 && !precedes(prevValue, prevIndex, v, i)) continue;
            if (bestIndex < 0 || precedes(v, i, best, bestIndex)) { best = v; bestIndex = i; }
        }
        block_best<topk_precedes>(best, bestIndex, sv, si);
        if (threadIdx.x == 0)
        {
            values[(i64)blockIdx.x * k + round] = best;
            indices[(i64)blockIdx.x * k + round] = bestIndex;
        }
        prevValue = best;
        prevIndex = bestIndex;
    }
}
