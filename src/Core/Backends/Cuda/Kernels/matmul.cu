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
#include "common.cuh"

#define GEMV_MAX_ROWS 8
#define GEMV_WARPS 4

template <int WT> struct Weight;
template <> struct Weight<DT_F32> { static const int Size = 4; static const int Unroll = 4; };
template <> struct Weight<DT_BF16> { static const int Size = 2; static const int Unroll = 8; };
template <> struct Weight<DT_F16> { static const int Size = 2; static const int Unroll = 8; };
template <> struct Weight<DT_F8E4M3> { static const int Size = 1; static const int Unroll = 16; };

// Eight consecutive weights as loaded: 32 bytes (F32), 16 (BF16, F16) or 8 (FP8), from an address aligned to that.
struct Chunk { uint4 a, b; };

template <int WT>
__device__ __forceinline__ float load1(const u8* row, int i)
{
    if (WT == DT_F32) return ((const float*)row)[i];
    if (WT == DT_BF16) return bf16_to_f32(((const u16*)row)[i]);
    if (WT == DT_F16) return f16_to_f32(((const u16*)row)[i]);
    return fp8_to_f32(row[i]);
}

template <int WT>
__device__ __forceinline__ void load_chunk(const u8* __restrict__ p, Chunk& c)
{
    if constexpr (WT == DT_F32)
    {
        c.a = ((const uint4*)p)[0];
        c.b = ((const uint4*)p)[1];
    }
    else if constexpr (WT == DT_BF16 || WT == DT_F16)
    {
        c.a = *(const uint4*)p;
    }
    else
    {
        uint2 q = *(const uint2*)p;
        c.a.x = q.x; c.a.y = q.y;
    }
}

__device__ __forceinline__ void unpack_bf16x2(u32 bits, float* out)
{
    out[0] = __uint_as_float(bits << 16);
    out[1] = __uint_as_float(bits & 0xFFFF0000u);
}

template <int WT>
__device__ __forceinline__ void decode_chunk(const Chunk& c, float* w)
{
    if constexpr (WT == DT_F32)
    {
        w[0] = __uint_as_float(c.a.x); w[1] = __uint_as_float(c.a.y); w[2] = __uint_as_float(c.a.z); w[3] = __uint_as_float(c.a.w);
        w[4] = __uint_as_float(c.b.x); w[5] = __uint_as_float(c.b.y); w[6] = __uint_as_float(c.b.z); w[7] = __uint_as_float(c.b.w);
    }
    else if constexpr (WT == DT_BF16)
    {
        unpack_bf16x2(c.a.x, w); unpack_bf16x2(c.a.y, w + 2); unpack_bf16x2(c.a.z, w + 4); unpack_bf16x2(c.a.w, w + 6);
    }
    else if constexpr (WT == DT_F16)
    {
        u32 words[4] = { c.a.x, c.a.y, c.a.z, c.a.w };
#pragma unroll
        for (int j = 0; j < 4; j++)
        {
            w[2 * j] = f16_to_f32((u16)(words[j] & 0xFFFFu));
            w[2 * j + 1] = f16_to_f32((u16)(words[j] >> 16));
        }
    }
    else
    {
#pragma unroll
        for (int j = 0; j < 4; j++)
        {
            w[j] = fp8_to_f32((u8)(c.a.x >> (8 * j)));
            w[4 + j] = fp8_to_f32((u8)(c.a.y >> (8 * j)));
        }
    }
}

// Block `block` of a GEMV over n output features (it calls grid_dependency_wait itself, after its first weight loads): ceil(n * split / GEMV_WARPS) blocks of GEMV_WARPS warps; `split`
// (1, 2 or 4) consecutive warps share an output feature, warp `part` of them taking the 8-wide chunks part,
// part + split, ... of the row. MAXM: the largest m this instance serves (1 or GEMV_MAX_ROWS), so that batch-1
// decode keeps one accumulator. vectorized: k % 8 == 0 and 16-byte aligned rows of x and w (and blockCols % 8 == 0
// when scaled), checked by the host. GATED: w2 (with its scales s2) is the up projection of the same shape, and the
// output is silu(x . w) * (x . w2) (SwiGLU's first half; no bias), both rows streamed by the same warp.
template <int WT, int MAXM, bool GATED>
__device__ __forceinline__ void gemv(int block, const float* __restrict__ x, int m, int k,
    const u8* __restrict__ w, const float* __restrict__ scales, const u8* __restrict__ w2, const float* __restrict__ scales2,
    i64 rowStride, i64 scaleRowStride, int blockRows, int blockCols,
    const float* __restrict__ bias, float* __restrict__ y, int n, int vectorized, int split)
{
    // Chunks in flight per lane and row: 128 bytes. (256 bytes for single rows measured slower on the H100: q/k/v
    // 7.4 -> 12.5 us, o_proj 5.5 -> 7.4 us, down_proj unchanged.)
    const int G = GATED ? 2 : 1;
    const int U = Weight<WT>::Unroll;
    __shared__ float partial[GEMV_WARPS][G][MAXM];
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    int part = warp % split;
    int row = (block * GEMV_WARPS + warp) / split;
    bool valid = row < n;
    float acc[G][MAXM];
#pragma unroll
    for (int g = 0; g < G; g++)
#pragma unroll
        for (int r = 0; r < MAXM; r++) acc[g][r] = 0.0f;

    const u8* wr[G] = {};
    const float* sr[G] = {};
    if (valid)
    {
        wr[0] = w + (i64)row * rowStride * Weight<WT>::Size;
        sr[0] = scales ? scales + (i64)(row / blockRows) * scaleRowStride : 0;
        if (GATED)
        {
            wr[G - 1] = w2 + (i64)row * rowStride * Weight<WT>::Size;
            sr[G - 1] = scales2 ? scales2 + (i64)(row / blockRows) * scaleRowStride : 0;
        }
    }
    // The weights are constant, so the first group of loads is issued before waiting for the previous kernel: with
    // programmatic dependent launch these blocks are resident while it runs, and its time hides their HBM latency.
    int step = split * 256; // columns between one lane's consecutive chunks (vector path)
    int c0 = (part * 32 + lane) * 8;
    Chunk q[G][U];
    bool streaming = valid && vectorized;
    if (streaming)
    {
#pragma unroll
        for (int u = 0; u < U; u++)
        {
            int c = c0 + u * step;
#pragma unroll
            for (int g = 0; g < G; g++)
                if (c < k) load_chunk<WT>(wr[g] + (i64)c * Weight<WT>::Size, q[g][u]);
        }
    }
    grid_dependency_wait();

    while (streaming && c0 < k)
    {
#pragma unroll
        for (int u = 0; u < U; u++)
        {
            int c = c0 + u * step;
            if (c < k)
            {
#pragma unroll
                for (int g = 0; g < G; g++)
                {
                    float wv[8];
                    decode_chunk<WT>(q[g][u], wv);
                    float s = sr[g] ? sr[g][c / blockCols] : 1.0f;
#pragma unroll
                    for (int r = 0; r < MAXM; r++)
                    {
                        if (r < m)
                        {
                            const float4* xp = (const float4*)(x + (i64)r * k + c);
                            float4 a = xp[0], b = xp[1];
                            float d = wv[0] * a.x + wv[1] * a.y + wv[2] * a.z + wv[3] * a.w
                                + wv[4] * b.x + wv[5] * b.y + wv[6] * b.z + wv[7] * b.w;
                            acc[g][r] = fmaf(s, d, acc[g][r]);
                        }
                    }
                }
            }
        }
        c0 += U * step;
        if (c0 >= k) break;
        // The next group's loads, all issued before any is used.
#pragma unroll
        for (int u = 0; u < U; u++)
        {
            int c = c0 + u * step;
#pragma unroll
            for (int g = 0; g < G; g++)
                if (c < k) load_chunk<WT>(wr[g] + (i64)c * Weight<WT>::Size, q[g][u]);
        }
    }
    if (valid && !vectorized)
    {
        for (int c = part * 32 + lane; c < k; c += split * 32)
        {
#pragma unroll
            for (int g = 0; g < G; g++)
            {
                float wv = load1<WT>(wr[g], c);
                if (sr[g]) wv *= sr[g][c / blockCols];
#pragma unroll
                for (int r = 0; r < MAXM; r++)
                    if (r < m) acc[g][r] = fmaf(wv, x[(i64)r * k + c], acc[g][r]);
            }
        }
    }

#pragma unroll
    for (int g = 0; g < G; g++)
#pragma unroll
        for (int r = 0; r < MAXM; r++)
            if (r < m) acc[g][r] = warp_sum(acc[g][r]);

    if (split == 1)
    {
        if (valid && lane == 0)
        {
            float b = bias ? bias[row] : 0.0f;
#pragma unroll
            for (int r = 0; r < MAXM; r++)
                if (r < m) y[(i64)r * n + row] = GATED ? silu(acc[0][r]) * acc[G - 1][r] : acc[0][r] + b;
        }
        return;
    }
    if (lane == 0)
    {
#pragma unroll
        for (int g = 0; g < G; g++)
#pragma unroll
            for (int r = 0; r < MAXM; r++) partial[warp][g][r] = acc[g][r];
    }
    __syncthreads();
    if (valid && part == 0 && lane < m)
    {
        float total[G];
#pragma unroll
        for (int g = 0; g < G; g++)
        {
            total[g] = 0.0f;
            for (int p = 0; p < split; p++) total[g] += partial[warp + p][g][lane];
        }
        y[(i64)lane * n + row] = GATED ? silu(total[0]) * total[G - 1] : total[0] + (bias ? bias[row] : 0.0f);
    }
}

__device__ __forceinline__ int gemv_blocks(int n, int split) { return (int)(((i64)n * split + GEMV_WARPS - 1) / GEMV_WARPS); }

// y = x . w^T (+ bias).
#define GEMV_ENTRY(name, WT, MAXM) \
    extern "C" __global__ void __launch_bounds__(GEMV_WARPS * 32) name(const float* x, int m, int k, const u8* w, \
        i64 rowStride, const float* scales, i64 scaleRowStride, int blockRows, int blockCols, const float* bias, float* y, \
        int n, int vectorized, int split) \
    { gemv<WT, MAXM, false>(blockIdx.x, x, m, k, w, scales, 0, 0, rowStride, scaleRowStride, blockRows, blockCols, bias, y, n, vectorized, split); }

// Up to three products of one x in one launch (q/k/v): the blocks of product 0, then 1, then 2 (n = 0 for none).
// The weights share dtype, k and scale tiling; each has its own scales, bias and output.
#define GEMV_GROUP_ENTRY(name, WT, MAXM) \
    extern "C" __global__ void __launch_bounds__(GEMV_WARPS * 32) name(const float* x, int m, int k, int vectorized, int split, \
        i64 scaleRowStride, int blockRows, int blockCols, \
        const u8* w0, const float* s0, const float* b0, float* y0, int n0, const u8* w1, const float* s1, const float* b1, float* y1, int n1, \
        const u8* w2, const float* s2, const float* b2, float* y2, int n2) \
    { \
        int block = blockIdx.x, blocks0 = gemv_blocks(n0, split), blocks1 = gemv_blocks(n1, split); \
        if (block < blocks0) gemv<WT, MAXM, false>(block, x, m, k, w0, s0, 0, 0, k, scaleRowStride, blockRows, blockCols, b0, y0, n0, vectorized, split); \
        else if ((block -= blocks0) < blocks1) gemv<WT, MAXM, false>(block, x, m, k, w1, s1, 0, 0, k, scaleRowStride, blockRows, blockCols, b1, y1, n1, vectorized, split); \
        else gemv<WT, MAXM, false>(block - blocks1, x, m, k, w2, s2, 0, 0, k, scaleRowStride, blockRows, blockCols, b2, y2, n2, vectorized, split); \
    }

// y = silu(x . gate^T) * (x . up^T).
#define GEMV_SWIGLU_ENTRY(name, WT, MAXM) \
    extern "C" __global__ void __launch_bounds__(GEMV_WARPS * 32) name(const float* x, int m, int k, const u8* gate, \
        const float* gateScales, const u8* up, const float* upScales, i64 scaleRowStride, int blockRows, int blockCols, float* y, \
        int n, int vectorized, int split) \
    { gemv<WT, MAXM, true>(blockIdx.x, x, m, k, gate, gateScales, up, upScales, k, scaleRowStride, blockRows, blockCols, 0, y, n, vectorized, split); }

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
