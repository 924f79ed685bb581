// The GEMV device function shared by matmul.cu's entries and moe.cu's expert products (see matmul.cu for the
// design and its measurements).
#pragma once
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

// inv[r] = 1 / sqrt(mean(x[r]^2) + eps) for the m rows of x [m, k], reduced over the whole block (RMSNorm's factor,
// computed as rmsnorm_f32 does). vectorized: k % 8 == 0 and 16-byte aligned rows. Every thread of the block must call.
template <int MAXM>
__device__ __forceinline__ void inverse_rms(const float* __restrict__ x, int m, int k, float eps, int vectorized, float* inv)
{
    __shared__ float sums[GEMV_WARPS][MAXM];
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    float s[MAXM];
#pragma unroll
    for (int r = 0; r < MAXM; r++)
    {
        s[r] = 0.0f;
        if (r >= m) continue;
        const float* xr = x + (i64)r * k;
        if (vectorized)
        {
            for (int c = threadIdx.x * 4; c < k; c += blockDim.x * 4)
            {
                float4 v = *(const float4*)(xr + c);
                s[r] += v.x * v.x + v.y * v.y + v.z * v.z + v.w * v.w;
            }
        }
        else
        {
            for (int c = threadIdx.x; c < k; c += blockDim.x) s[r] += xr[c] * xr[c];
        }
        s[r] = warp_sum(s[r]);
        if (lane == 0) sums[warp][r] = s[r];
    }
    __syncthreads();
#pragma unroll
    for (int r = 0; r < MAXM; r++)
    {
        float total = 0.0f;
        for (int i = 0; i < GEMV_WARPS; i++) total += r < m ? sums[i][r] : 0.0f;
        inv[r] = 1.0f / sqrtf(total / k + eps);
    }
}

// Multiplies the 8 weights of the chunk at column c by the norm weight there (F32 or BF16), so that the dot with x
// is the dot with x * normWeight for every row of x.
__device__ __forceinline__ void scale_by_norm(float* wv, const float* __restrict__ gF32, const u16* __restrict__ gBF16, int c)
{
    if (gF32)
    {
        float4 a = *(const float4*)(gF32 + c), b = *(const float4*)(gF32 + c + 4);
        wv[0] *= a.x; wv[1] *= a.y; wv[2] *= a.z; wv[3] *= a.w; wv[4] *= b.x; wv[5] *= b.y; wv[6] *= b.z; wv[7] *= b.w;
    }
    else
    {
        uint4 g = *(const uint4*)(gBF16 + c);
        float gv[8];
        unpack_bf16x2(g.x, gv); unpack_bf16x2(g.y, gv + 2); unpack_bf16x2(g.z, gv + 4); unpack_bf16x2(g.w, gv + 6);
#pragma unroll
        for (int i = 0; i < 8; i++) wv[i] *= gv[i];
    }
}

// Block `block` of a GEMV over n output features (it calls grid_dependency_wait itself, after its first weight loads): ceil(n * split / GEMV_WARPS) blocks of GEMV_WARPS warps; `split`
// (1, 2 or 4) consecutive warps share an output feature, warp `part` of them taking the 8-wide chunks part,
// part + split, ... of the row. MAXM: the largest m this instance serves (1 or GEMV_MAX_ROWS), so that batch-1
// decode keeps one accumulator. vectorized: k % 8 == 0 and 16-byte aligned rows of x and w (and blockCols % 8 == 0
// when scaled), checked by the host. GATED: w2 (with its scales s2) is the up projection of the same shape, and the
// output is silu(x . w) * (x . w2) (SwiGLU's first half; no bias), both rows streamed by the same warp.
// normWeight (F32, or BF16 when normBF16), when given: the product reads RMSNorm(x) = x * rsqrt(mean(x^2) + eps) *
// normWeight instead of x (the layer's pre-norm, so that it costs no kernel of its own): every block first reduces
// the squares of its x rows, the weight multiplies each chunk once for all rows, and the row's factor the sum.
// accumulate: y += product (a residual projection adding into the hidden state) instead of y = product.
template <int WT, int MAXM, bool GATED>
__device__ __forceinline__ void gemv(int block, const float* __restrict__ x, int m, int k,
    const u8* __restrict__ w, const float* __restrict__ scales, const u8* __restrict__ w2, const float* __restrict__ scales2,
    i64 rowStride, i64 scaleRowStride, int blockRows, int blockCols,
    const float* __restrict__ bias, float* __restrict__ y, int n, int vectorized, int split,
    const void* __restrict__ normWeight = 0, int normBF16 = 0, float eps = 0.0f, int accumulate = 0)
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

    float inv[MAXM];
#pragma unroll
    for (int r = 0; r < MAXM; r++) inv[r] = 1.0f;
    if (normWeight) inverse_rms<MAXM>(x, m, k, eps, vectorized, inv);
    const float* gF32 = normBF16 ? 0 : (const float*)normWeight;
    const u16* gBF16 = normBF16 ? (const u16*)normWeight : 0;

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
                    if (normWeight) scale_by_norm(wv, gF32, gBF16, c);
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
                if (normWeight) wv *= gF32 ? gF32[c] : bf16_to_f32(gBF16[c]);
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
            if (r < m) acc[g][r] = warp_sum(acc[g][r]) * inv[r];

    if (split == 1)
    {
        if (valid && lane == 0)
        {
            float b = bias ? bias[row] : 0.0f;
#pragma unroll
            for (int r = 0; r < MAXM; r++)
                if (r < m)
                {
                    float* out = y + (i64)r * n + row;
                    *out = GATED ? silu(acc[0][r]) * acc[G - 1][r] : (accumulate ? *out : 0.0f) + acc[0][r] + b;
                }
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
        float* out = y + (i64)lane * n + row;
        *out = GATED ? silu(total[0]) * total[G - 1] : (accumulate ? *out : 0.0f) + total[0] + (bias ? bias[row] : 0.0f);
    }
}

__device__ __forceinline__ int gemv_blocks(int n, int split) { return (int)(((i64)n * split + GEMV_WARPS - 1) / GEMV_WARPS); }

