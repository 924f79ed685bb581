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

// grid ceil(n * split / GEMV_WARPS) blocks of GEMV_WARPS warps; `split` (1, 2 or 4) consecutive warps share an
// output feature, warp `part` of them taking the 8-wide chunks part, part + split, ... of the row. MAXM: the
// largest m this instance serves (1 or GEMV_MAX_ROWS), so that batch-1 decode keeps one accumulator. vectorized:
// k % 8 == 0 and 16-byte aligned rows of x and w (and blockCols % 8 == 0 when scaled), checked by the host.
template <int WT, int MAXM>
__device__ __forceinline__ void gemv(const float* __restrict__ x, int m, int k, const u8* __restrict__ w, i64 rowStride,
    const float* __restrict__ scales, i64 scaleRowStride, int blockRows, int blockCols,
    const float* __restrict__ bias, float* __restrict__ y, int n, int vectorized, int split)
{
    const int U = Weight<WT>::Unroll;
    __shared__ float partial[GEMV_WARPS][MAXM];
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    int part = warp % split;
    int row = (blockIdx.x * GEMV_WARPS + warp) / split;
    bool valid = row < n;
    float acc[MAXM];
#pragma unroll
    for (int r = 0; r < MAXM; r++) acc[r] = 0.0f;

    if (valid)
    {
        const u8* wr = w + (i64)row * rowStride * Weight<WT>::Size;
        const float* sr = scales ? scales + (i64)(row / blockRows) * scaleRowStride : 0;
        if (vectorized)
        {
            int step = split * 256; // columns between one lane's consecutive chunks
            for (int c0 = (part * 32 + lane) * 8; c0 < k; c0 += U * step)
            {
                Chunk q[U];
#pragma unroll
                for (int u = 0; u < U; u++)
                {
                    int c = c0 + u * step;
                    if (c < k) load_chunk<WT>(wr + (i64)c * Weight<WT>::Size, q[u]);
                }
#pragma unroll
                for (int u = 0; u < U; u++)
                {
                    int c = c0 + u * step;
                    if (c < k)
                    {
                        float wv[8];
                        decode_chunk<WT>(q[u], wv);
                        float s = sr ? sr[c / blockCols] : 1.0f;
#pragma unroll
                        for (int r = 0; r < MAXM; r++)
                        {
                            if (r < m)
                            {
                                const float4* xp = (const float4*)(x + (i64)r * k + c);
                                float4 a = xp[0], b = xp[1];
                                float d = wv[0] * a.x + wv[1] * a.y + wv[2] * a.z + wv[3] * a.w
                                    + wv[4] * b.x + wv[5] * b.y + wv[6] * b.z + wv[7] * b.w;
                                acc[r] = fmaf(s, d, acc[r]);
                            }
                        }
                    }
                }
            }
        }
        else
        {
            for (int c = part * 32 + lane; c < k; c += split * 32)
            {
                float wv = load1<WT>(wr, c);
                if (sr) wv *= sr[c / blockCols];
#pragma unroll
                for (int r = 0; r < MAXM; r++)
                    if (r < m) acc[r] = fmaf(wv, x[(i64)r * k + c], acc[r]);
            }
        }
    }

#pragma unroll
    for (int r = 0; r < MAXM; r++)
        if (r < m) acc[r] = warp_sum(acc[r]);

    if (split == 1)
    {
        if (valid && lane == 0)
        {
            float b = bias ? bias[row] : 0.0f;
#pragma unroll
            for (int r = 0; r < MAXM; r++)
                if (r < m) y[(i64)r * n + row] = acc[r] + b;
        }
        return;
    }
    if (lane == 0)
    {
#pragma unroll
        for (int r = 0; r < MAXM; r++) partial[warp][r] = acc[r];
    }
    __syncthreads();
    if (valid && part == 0 && lane < m)
    {
        float total = 0.0f;
        for (int p = 0; p < split; p++) total += partial[warp + p][lane];
        y[(i64)lane * n + row] = total + (bias ? bias[row] : 0.0f);
    }
}

#define GEMV_ENTRY(name, WT, MAXM) \
    extern "C" __global__ void __launch_bounds__(GEMV_WARPS * 32) name(const float* x, int m, int k, const u8* w, \
        i64 rowStride, const float* scales, i64 scaleRowStride, int blockRows, int blockCols, const float* bias, float* y, \
        int n, int vectorized, int split) \
    { grid_dependency_wait(); gemv<WT, MAXM>(x, m, k, w, rowStride, scales, scaleRowStride, blockRows, blockCols, bias, y, n, vectorized, split); }

GEMV_ENTRY(gemv_f32, DT_F32, GEMV_MAX_ROWS)
GEMV_ENTRY(gemv_bf16, DT_BF16, GEMV_MAX_ROWS)
GEMV_ENTRY(gemv_f16, DT_F16, GEMV_MAX_ROWS)
GEMV_ENTRY(gemv_fp8, DT_F8E4M3, GEMV_MAX_ROWS)
GEMV_ENTRY(gemv1_f32, DT_F32, 1)
GEMV_ENTRY(gemv1_bf16, DT_BF16, 1)
GEMV_ENTRY(gemv1_f16, DT_F16, 1)
GEMV_ENTRY(gemv1_fp8, DT_F8E4M3, 1)
