// Mixture-of-experts decode on the device: routing (moe_route) and the routed experts' products reading the chosen
// expert ids from device memory (moe_gate_up_*, moe_down_*), so that a decode step has no host wait and a fixed
// launch sequence (CudaBackend.Moe.cs). The products reuse the gemv device function of gemv.cuh (MatMul's) (same loads, same
// split, same FP8 tile scaling), so an expert's product equals what MatMul would give for it; each expert's weight
// is found through a table of device addresses built once at load (ExpertWeights), with the weights left in place.
#include "gemv.cuh"

// RouterSelection's order (Layers/RouterSelection.cs).
#define ROUTE_GREEDY 0
#define ROUTE_GROUP_LIMITED_GREEDY 1
#define ROUTE_NOAUX_TC 2

// ExpertRouter.Route on one warp per row (grid: rows; block: 32 threads; dynamic shared memory: (2 * experts +
// groups) floats). The same arithmetic in the same order where the order changes a float result: softmax sums in
// double from expert 0 up, the group scores and the top-k follow the host's scans with ties to the lower index,
// and the weights are summed, normalized and scaled by one thread as the host does. Experts <= 1024 (32 per lane,
// tracked in a bit mask) and groups <= 64, checked by the host.
extern "C" __global__ void moe_route(const float* logits, int experts, int k, int sigmoid, int selection, int groups,
    int topkGroups, int normalize, float scaling, const float* bias, int* ids, float* weights)
{
    grid_dependency_wait();
    extern __shared__ float route_shared[];
    float* score = route_shared;
    float* choice = score + experts;
    float* groupScore = choice + experts;
    __shared__ float inverse;
    __shared__ u64 kept;
    int lane = threadIdx.x;
    const float* row = logits + (i64)blockIdx.x * experts;
    int* rowIds = ids + (i64)blockIdx.x * k;
    float* rowWeights = weights + (i64)blockIdx.x * k;

    if (sigmoid)
    {
        for (int e = lane; e < experts; e += 32) score[e] = 1.0f / (1.0f + expf(-row[e]));
    }
    else
    {
        float max = NEG_INF;
        for (int e = lane; e < experts; e += 32) max = fmaxf(max, row[e]);
        max = warp_max(max);
        for (int e = lane; e < experts; e += 32) score[e] = expf(row[e] - max);
        __syncwarp();
        if (lane == 0)
        {
            double sum = 0.0;
            for (int e = 0; e < experts; e++) sum += score[e];
            inverse = (float)(1.0 / sum);
        }
        __syncwarp();
        for (int e = lane; e < experts; e += 32) score[e] *= inverse;
    }
    for (int e = lane; e < experts; e += 32) choice[e] = bias ? score[e] + bias[e] : score[e];
    __syncwarp();

    // Keep the topk_group best groups; the others' experts get choice 0 (transformers' masked_fill(~mask, 0.0)).
    if (selection != ROUTE_GREEDY && groups > 1)
    {
        int size = experts / groups;
        for (int g = lane; g < groups; g += 32)
        {
            const float* group = choice + g * size;
            float first = NEG_INF, second = NEG_INF;
            for (int i = 0; i < size; i++)
            {
                float v = group[i];
                if (selection == ROUTE_GROUP_LIMITED_GREEDY) first = fmaxf(first, v);
                else if (v > first) { second = first; first = v; }
                else if (v > second) second = v;
            }
            groupScore[g] = selection == ROUTE_GROUP_LIMITED_GREEDY || size == 1 ? first : first + second;
        }
        __syncwarp();
        if (lane == 0)
        {
            u64 mask = 0;
            for (int round = 0; round < topkGroups; round++)
            {
                int best = -1;
                for (int g = 0; g < groups; g++)
                    if (!((mask >> g) & 1ull) && (best < 0 || groupScore[g] > groupScore[best])) best = g;
                mask |= 1ull << best;
            }
            kept = mask;
        }
        __syncwarp();
        for (int e = lane; e < experts; e += 32)
            if (!((kept >> (e / size)) & 1ull)) choice[e] = 0.0f;
        __syncwarp();
    }

    // k rounds of the host's scan: the largest choice not yet taken, ties to the lower index.
    u32 taken = 0; // bit i: expert lane + 32 i
    for (int round = 0; round < k; round++)
    {
        float best = 0.0f;
        int bestIndex = -1;
        for (int e = lane, i = 0; e < experts; e += 32, i++)
        {
            if ((taken >> i) & 1u) continue;
            float v = choice[e];
            if (bestIndex < 0 || v > best) { best = v; bestIndex = e; }
        }
#pragma unroll
        for (int o = 16; o > 0; o >>= 1)
        {
            float ov = __shfl_xor_sync(0xFFFFFFFFu, best, o);
            int oi = __shfl_xor_sync(0xFFFFFFFFu, bestIndex, o);
            if (oi >= 0 && (bestIndex < 0 || ov > best || (ov == best && oi < bestIndex))) { best = ov; bestIndex = oi; }
        }
        if (bestIndex % 32 == lane) taken |= 1u << (bestIndex / 32);
        if (lane == 0) rowIds[round] = bestIndex;
    }
    __syncwarp();

    if (lane == 0)
    {
        float sum = 0.0f;
        for (int i = 0; i < k; i++)
        {
            float w = score[rowIds[i]];
            rowWeights[i] = w;
            sum += w;
        }
        // V3 (noaux_tc) normalizes and then scales; V2 normalizes when norm_topk_prob is set and scales otherwise.
        bool scale = selection == ROUTE_NOAUX_TC || !normalize;
        if (normalize && k > 1)
        {
            float inv = 1.0f / (sum + 1e-20f);
            for (int i = 0; i < k; i++) rowWeights[i] *= inv;
        }
        if (scale)
            for (int i = 0; i < k; i++) rowWeights[i] *= scaling;
    }
}

// The features [first, first + count) that gemv's block blockIdx.x writes: GEMV_WARPS / split consecutive ones.
__device__ __forceinline__ int gemv_block_first(int split) { return blockIdx.x * (GEMV_WARPS / split); }

// hidden[pair] = silu(x[row] . gate[e]^T) * (x[row] . up[e]^T) for pair = row * k + j (blockIdx.y) and e = ids[pair];
// grid x as gemv's for `inter` outputs; gemv's gated form streams both rows and applies SwiGLU (SwiGluMatMul's
// kernel). tables: [2, experts] addresses, weights then block scales (0 when unscaled). An id outside 0..experts-1
// leaves its row untouched.
template <int WT>
__device__ __forceinline__ void moe_gate_up(const float* x, int dim, int k, const int* ids, int experts,
    const u64* gateTable, const u64* upTable, i64 scaleRowStride, int blockRows, int blockCols,
    float* hidden, int inter, int vectorized, int split)
{
    int pair = blockIdx.y, row = pair / k;
    int e = ids[pair];
    if (e < 0 || e >= experts) return;
    gemv<WT, 1, true>(blockIdx.x, x + (i64)row * dim, 1, dim, (const u8*)gateTable[e], (const float*)gateTable[experts + e],
        (const u8*)upTable[e], (const float*)upTable[experts + e], dim, scaleRowStride, blockRows, blockCols, 0,
        hidden + (i64)pair * inter, inter, vectorized, split);
}

// y[row] = start + sum over the row's k experts, in ascending expert id (the order the host path adds them), of
// weights[row, j] * (hidden[row, j] . down[e]^T), where start is y[row], or, when sharedW is given, the shared
// experts' down product sharedHidden[row] . sharedW^T (same dtype as the experts, its own scale tiling); grid x as
// gemv's for `dim` outputs, y: one block row per token. Each block runs the products for its features into
// outScratch [rows, k + 1, dim] (the shared one last), then adds them with add_scaled_f32's fmaf: no atomics, so
// the sum does not depend on timing.
template <int WT>
__device__ __forceinline__ void moe_down(const float* hidden, int inter, int k, const int* ids, const float* weights,
    int experts, const u64* downTable, i64 scaleRowStride, int blockRows, int blockCols, float* outScratch,
    float* y, int dim, int vectorized, int split, const u8* sharedW, const float* sharedScales, i64 sharedScaleRowStride,
    int sharedBlockRows, int sharedBlockCols, const float* sharedHidden, int sharedK, int sharedVectorized)
{
    int row = blockIdx.y;
    const int* rowIds = ids + (i64)row * k;
    float* rowOut = outScratch + (i64)row * (k + 1) * dim;
    for (int j = 0; j < k; j++)
    {
        int e = rowIds[j];
        if (e < 0 || e >= experts) continue;
        gemv<WT, 1, false>(blockIdx.x, hidden + ((i64)row * k + j) * inter, 1, inter, (const u8*)downTable[e],
            (const float*)downTable[experts + e], 0, 0, inter, scaleRowStride, blockRows, blockCols, 0, rowOut + (i64)j * dim,
            dim, vectorized, split);
        __syncthreads();
    }
    if (sharedW)
    {
        gemv<WT, 1, false>(blockIdx.x, sharedHidden + (i64)row * sharedK, 1, sharedK, sharedW, sharedScales, 0, 0, sharedK,
            sharedScaleRowStride, sharedBlockRows, sharedBlockCols, 0, rowOut + (i64)k * dim, dim, sharedVectorized, split);
        __syncthreads();
    }
    int f = gemv_block_first(split) + threadIdx.x;
    if ((int)threadIdx.x < GEMV_WARPS / split && f < dim)
    {
        float acc = sharedW ? rowOut[(i64)k * dim + f] : y[(i64)row * dim + f];
        int previous = -1;
        for (int r = 0; r < k; r++)
        {
            // The smallest id above the previous one (ids of a row are distinct).
            int next = -1;
            for (int j = 0; j < k; j++)
            {
                int e = rowIds[j];
                if (e > previous && e < experts && (next < 0 || e < rowIds[next])) next = j;
            }
            if (next < 0) break;
            acc = fmaf(rowOut[(i64)next * dim + f], weights[(i64)row * k + next], acc);
            previous = rowIds[next];
        }
        y[(i64)row * dim + f] = acc;
    }
}

// Entry points per weight dtype, launched with GEMV_WARPS * 32 threads.
#define MOE_GATE_UP_ARGS const float* x, int dim, int k, const int* ids, int experts, const u64* gateTable, \
    const u64* upTable, i64 scaleRowStride, int blockRows, int blockCols, float* hidden, int inter, \
    int vectorized, int split
#define MOE_GATE_UP_CALL x, dim, k, ids, experts, gateTable, upTable, scaleRowStride, blockRows, blockCols, hidden, \
    inter, vectorized, split
#define MOE_DOWN_ARGS const float* hidden, int inter, int k, const int* ids, const float* weights, int experts, \
    const u64* downTable, i64 scaleRowStride, int blockRows, int blockCols, float* outScratch, float* y, int dim, \
    int vectorized, int split, const u8* sharedW, const float* sharedScales, i64 sharedScaleRowStride, \
    int sharedBlockRows, int sharedBlockCols, const float* sharedHidden, int sharedK, int sharedVectorized
#define MOE_DOWN_CALL hidden, inter, k, ids, weights, experts, downTable, scaleRowStride, blockRows, blockCols, \
    outScratch, y, dim, vectorized, split, sharedW, sharedScales, sharedScaleRowStride, sharedBlockRows, \
    sharedBlockCols, sharedHidden, sharedK, sharedVectorized

extern "C" __global__ void moe_gate_up_f32(MOE_GATE_UP_ARGS)
{ grid_dependency_wait(); moe_gate_up<DT_F32>(MOE_GATE_UP_CALL); }
extern "C" __global__ void moe_gate_up_bf16(MOE_GATE_UP_ARGS)
{ grid_dependency_wait(); moe_gate_up<DT_BF16>(MOE_GATE_UP_CALL); }
extern "C" __global__ void moe_gate_up_f16(MOE_GATE_UP_ARGS)
{ grid_dependency_wait(); moe_gate_up<DT_F16>(MOE_GATE_UP_CALL); }
extern "C" __global__ void moe_gate_up_fp8(MOE_GATE_UP_ARGS)
{ grid_dependency_wait(); moe_gate_up<DT_F8E4M3>(MOE_GATE_UP_CALL); }
extern "C" __global__ void moe_down_f32(MOE_DOWN_ARGS)
{ grid_dependency_wait(); moe_down<DT_F32>(MOE_DOWN_CALL); }
extern "C" __global__ void moe_down_bf16(MOE_DOWN_ARGS)
{ grid_dependency_wait(); moe_down<DT_BF16>(MOE_DOWN_CALL); }
extern "C" __global__ void moe_down_f16(MOE_DOWN_ARGS)
{ grid_dependency_wait(); moe_down<DT_F16>(MOE_DOWN_CALL); }
extern "C" __global__ void moe_down_fp8(MOE_DOWN_ARGS)
{ grid_dependency_wait(); moe_down<DT_F8E4M3>(MOE_DOWN_CALL); }
