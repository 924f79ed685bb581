// Decode-shaped products y[m, n] = x[m, k] . w[n, k]^T (+ bias) for m <= GEMV_MAX_ROWS: bandwidth-bound, so each
// weight row is streamed once, in its stored dtype, by one warp (16-byte loads), against every row of x (F32,
// from L1/L2). FP8 weights are dequantized per tile inside the product: each 8-wide chunk lies in one
// blockCols-wide tile (the host checks blockCols % 8 == 0 for the vector path), so its dot is scaled once
// (DeepSeek-V3 inference/kernel.py fp8_gemm accumulates per k-block the same way).
#include "common.cuh"

#define GEMV_MAX_ROWS 8

template <int WT> struct Weight;
template <> struct Weight<DT_F32> { static const int Size = 4; };
template <> struct Weight<DT_BF16> { static const int Size = 2; };
template <> struct Weight<DT_F16> { static const int Size = 2; };
template <> struct Weight<DT_F8E4M3> { static const int Size = 1; };

template <int WT>
__device__ __forceinline__ float load1(const u8* row, int i)
{
    if (WT == DT_F32) return ((const float*)row)[i];
    if (WT == DT_BF16) return bf16_to_f32(((const u16*)row)[i]);
    if (WT == DT_F16) return f16_to_f32(((const u16*)row)[i]);
    return fp8_to_f32(row[i]);
}

__device__ __forceinline__ void unpack_bf16x2(u32 bits, float* out)
{
    out[0] = __uint_as_float(bits << 16);
    out[1] = __uint_as_float(bits & 0xFFFF0000u);
}

// Eight consecutive weights from a 16-byte (F32: 32-byte, FP8: 8-byte) aligned address.
template <int WT>
__device__ __forceinline__ void load8(const u8* p, float* w)
{
    if (WT == DT_F32)
    {
        float4 a = ((const float4*)p)[0], b = ((const float4*)p)[1];
        w[0] = a.x; w[1] = a.y; w[2] = a.z; w[3] = a.w; w[4] = b.x; w[5] = b.y; w[6] = b.z; w[7] = b.w;
    }
    else if (WT == DT_BF16)
    {
        uint4 q = *(const uint4*)p;
        unpack_bf16x2(q.x, w); unpack_bf16x2(q.y, w + 2); unpack_bf16x2(q.z, w + 4); unpack_bf16x2(q.w, w + 6);
    }
    else if (WT == DT_F16)
    {
        uint4 q = *(const uint4*)p;
        u32 words[4] = { q.x, q.y, q.z, q.w };
#pragma unroll
        for (int j = 0; j < 4; j++)
        {
            w[2 * j] = f16_to_f32((u16)(words[j] & 0xFFFFu));
            w[2 * j + 1] = f16_to_f32((u16)(words[j] >> 16));
        }
    }
    else
    {
        uint2 q = *(const uint2*)p;
#pragma unroll
        for (int j = 0; j < 4; j++)
        {
            w[j] = fp8_to_f32((u8)(q.x >> (8 * j)));
            w[4 + j] = fp8_to_f32((u8)(q.y >> (8 * j)));
        }
    }
}

// grid ceil(n / warpsPerBlock), a warp per output feature. vectorized: k % 8 == 0 and 16-byte aligned rows of x
// and w (and blockCols % 8 == 0 when scaled), checked by the host.
template <int WT>
__device__ void gemv(const float* __restrict__ x, int m, int k, const u8* __restrict__ w, i64 rowStride,
    const float* __restrict__ scales, i64 scaleRowStride, int blockRows, int blockCols,
    const float* __restrict__ bias, float* __restrict__ y, int n, int vectorized)
{
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    int row = blockIdx.x * (blockDim.x >> 5) + warp;
    if (row >= n) return;
    const u8* wr = w + (i64)row * rowStride * Weight<WT>::Size;
    const float* sr = scales ? scales + (i64)(row / blockRows) * scaleRowStride : 0;
    float acc[GEMV_MAX_ROWS];
#pragma unroll
    for (int r = 0; r < GEMV_MAX_ROWS; r++) acc[r] = 0.0f;

    if (vectorized)
    {
#pragma unroll 4
        for (int c = lane * 8; c < k; c += 256)
        {
            float wv[8];
            load8<WT>(wr + (i64)c * Weight<WT>::Size, wv);
            float s = sr ? sr[c / blockCols] : 1.0f;
#pragma unroll
            for (int r = 0; r < GEMV_MAX_ROWS; r++)
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
    else
    {
        for (int c = lane; c < k; c += 32)
        {
            float wv = load1<WT>(wr, c);
            if (sr) wv *= sr[c / blockCols];
#pragma unroll
            for (int r = 0; r < GEMV_MAX_ROWS; r++)
                if (r < m) acc[r] = fmaf(wv, x[(i64)r * k + c], acc[r]);
        }
    }

    float b = bias ? bias[row] : 0.0f;
#pragma unroll
    for (int r = 0; r < GEMV_MAX_ROWS; r++)
    {
        if (r < m)
        {
            float total = warp_sum(acc[r]);
            if (lane == 0) y[(i64)r * n + row] = total + b;
        }
    }
}

#define GEMV_ENTRY(name, WT) \
    extern "C" __global__ void name(const float* x, int m, int k, const u8* w, i64 rowStride, const float* scales, \
        i64 scaleRowStride, int blockRows, int blockCols, const float* bias, float* y, int n, int vectorized) \
    { gemv<WT>(x, m, k, w, rowStride, scales, scaleRowStride, blockRows, blockCols, bias, y, n, vectorized); }

GEMV_ENTRY(gemv_f32, DT_F32)
GEMV_ENTRY(gemv_bf16, DT_BF16)
GEMV_ENTRY(gemv_f16, DT_F16)
GEMV_ENTRY(gemv_fp8, DT_F8E4M3)
