// Argmax and top-k per row, one block per row. Ties go to the lower index (the CPU kernels' rule, and torch's for
// these shapes), so greedy decoding and expert routing agree across backends.
#include "common.cuh"

// (value, index) ordered by value descending, then index ascending: true when a comes first.
__device__ __forceinline__ bool precedes(float va, int ia, float vb, int ib)
{
    return va > vb || (va == vb && ia < ib);
}

// The best (value, index) over the block; every thread gets it. Empty candidates carry index -1.
__device__ __forceinline__ void block_best(float& v, int& idx, float* values, int* indices)
{
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
#pragma unroll
    for (int o = 16; o > 0; o >>= 1)
    {
        float ov = __shfl_xor_sync(0xFFFFFFFFu, v, o);
        int oi = __shfl_xor_sync(0xFFFFFFFFu, idx, o);
        if (oi >= 0 && (idx < 0 || precedes(ov, oi, v, idx))) { v = ov; idx = oi; }
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
        if (oi >= 0 && (idx < 0 || precedes(ov, oi, v, idx))) { v = ov; idx = oi; }
    }
    __syncthreads();
}

// Like the CPU's first-maximum scan: NaN never wins over a number, so it only survives in an all-NaN row.
extern "C" __global__ void argmax_f32(const float* x, int cols, int* indices)
{
    grid_dependency_wait();
    __shared__ float sv[32];
    __shared__ int si[32];
    const float* row = x + (i64)blockIdx.x * cols;
    float best = 0.0f;
    int bestIndex = -1;
    for (int i = threadIdx.x; i < cols; i += blockDim.x)
    {
        float v = row[i];
        if (bestIndex < 0 || v > best) { best = v; bestIndex = i; }
    }
    block_best(best, bestIndex, sv, si);
    if (threadIdx.x == 0) indices[blockIdx.x] = bestIndex < 0 ? 0 : bestIndex;
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
        block_best(best, bestIndex, sv, si);
        if (threadIdx.x == 0)
        {
            values[(i64)blockIdx.x * k + round] = best;
            indices[(i64)blockIdx.x * k + round] = bestIndex;
        }
        prevValue = best;
        prevIndex = bestIndex;
    }
}
