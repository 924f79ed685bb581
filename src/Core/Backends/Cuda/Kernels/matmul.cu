// Decode-shaped products y[m, n] = x[m, k] . w[n, k]^T (+ bias) for m <= GEMV_MAX_ROWS: bandwidth-bound, so each
// weight row is streamed once, in its stored dtype, against every row of x (F32, from L1/L2). FP8 weights are
// dequantized per tile inside the product: each 8-wide chunk lies in one blockCols-wide tile (the host checks
// blockCols % 8 == 0 for the vector path), so its dot is scaled once (DeepSeek-V3 inference/kernel.py fp8_gemm
// accumulates per k-block the same way).
//
// Why it is shaped this way (H100 measurements in docs/benchmarks.md): a loop that loads one chunk and then uses
// it keeps one 16-byte load per lane in flight, so a warp waits a full HBM latency per 512 bytes and the kernel
// reached only 43-54% of the copy bandwidth. Here each lane first issues all the loads of a group of UNROLL
// chunks (128 bytes per lane, 4 KiB per warp, predicated at the end of a row) and only then multiplies, so a
// warp has a whole group in flight. A block is 4 warps; the host picks `split` (1, 2 or 4 warps per output
// feature) so that short, wide products (q/o_proj, down_proj) still put enough warps on every SM; the split
// warps' partial sums are added in a fixed order through shared memory, so results do not depend on timing.
#include "gemv.cuh"

// y = x . w^T (+ bias), or y += that when accumulate (the residual projections).
#define GEMV_ENTRY(name, WT, MAXM) \
    extern "C" __global__ void __launch_bounds__(GEMV_WARPS * 32) name(const float* x, int m, int k, const u8* w, \
        i64 rowStride, const float* scales, i64 scaleRowStride, int blockRows, int blockCols, const float* bias, float* y, \
        int n, int vectorized, int split, int accumulate) \
    { gemv<WT, MAXM, false>(blockIdx.x, x, m, k, w, scales, 0, 0, rowStride, scaleRowStride, blockRows, blockCols, bias, y, n, vectorized, split, \
        0, 0, 0.0f, accumulate); }

// Up to three products of one x in one launch (q/k/v): the blocks of product 0, then 1, then 2 (n = 0 for none).
// The weights share dtype, k and scale tiling; each has its own scales, bias and output. normWeight: the input's
// RMSNorm folded in (gemv), or 0.
#define GEMV_GROUP_ENTRY(name, WT, MAXM) \
    extern "C" __global__ void __launch_bounds__(GEMV_WARPS * 32) name(const float* x, int m, int k, int vectorized, int split, \
        i64 scaleRowStride, int blockRows, int blockCols, const void* normWeight, int normBF16, float eps, \
        const u8* w0, const float* s0, const float* b0, float* y0, int n0, const u8* w1, const float* s1, const float* b1, float* y1, int n1, \
        const u8* w2, const float* s2, const float* b2, float* y2, int n2) \
    { \
        int block = blockIdx.x, blocks0 = gemv_blocks(n0, split), blocks1 = gemv_blocks(n1, split); \
        if (block < blocks0) gemv<WT, MAXM, false>(block, x, m, k, w0, s0, 0, 0, k, scaleRowStride, blockRows, blockCols, b0, y0, n0, vectorized, split, \
            normWeight, normBF16, eps); \
        else if ((block -= blocks0) < blocks1) gemv<WT, MAXM, false>(block, x, m, k, w1, s1, 0, 0, k, scaleRowStride, blockRows, blockCols, b1, y1, n1, \
            vectorized, split, normWeight, normBF16, eps); \
        else gemv<WT, MAXM, false>(block - blocks1, x, m, k, w2, s2, 0, 0, k, scaleRowStride, blockRows, blockCols, b2, y2, n2, vectorized, split, \
            normWeight, normBF16, eps); \
    }

// y = silu(x . gate^T) * (x . up^T), x optionally RMSNorm-ed on the way in (normWeight, as the group entry).
#define GEMV_SWIGLU_ENTRY(name, WT, MAXM) \
    extern "C" __global__ void __launch_bounds__(GEMV_WARPS * 32) name(const float* x, int m, int k, const u8* gate, \
        const float* gateScales, const u8* up, const float* upScales, i64 scaleRowStride, int blockRows, int blockCols, float* y, \
        int n, int vectorized, int split, const void* normWeight, int normBF16, float eps) \
    { gemv<WT, MAXM, true>(blockIdx.x, x, m, k, gate, gateScales, up, upScales, k, scaleRowStride, blockRows, blockCols, 0, y, n, vectorized, split, \
        normWeight, normBF16, eps); }

#define GEMV_FAMILY(ENTRY, prefix) \
    ENTRY(prefix##_f32, DT_F32, GEMV_MAX_ROWS) \
    ENTRY(prefix##_bf16, DT_BF16, GEMV_MAX_ROWS) \
    ENTRY(prefix##_f16, DT_F16, GEMV_MAX_ROWS) \
    ENTRY(prefix##_fp8, DT_F8E4M3, GEMV_MAX_ROWS) \
    ENTRY(prefix##1_f32, DT_F32, 1) \
    ENTRY(prefix##1_bf16, DT_BF16, 1) \
    ENTRY(prefix##1_f16, DT_F16, 1) \
    ENTRY(prefix##1_fp8, DT_F8E4M3, 1)

GEMV_FAMILY(GEMV_ENTRY, gemv)
GEMV_FAMILY(GEMV_GROUP_ENTRY, gemv_group)
GEMV_FAMILY(GEMV_SWIGLU_ENTRY, gemv_swiglu)
