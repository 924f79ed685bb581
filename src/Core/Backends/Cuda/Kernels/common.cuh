// Shared helpers for the DeepSeek.Sdk CUDA kernels. Compiled by NVRTC with no CUDA headers, so that only the
// driver, NVRTC and cuBLAS libraries are needed at run time: half-precision and FP8 conversions are written out
// on the bit patterns (they match the CPU backend's ScalarConversions bit for bit).
#pragma once

typedef long long i64;
typedef unsigned long long u64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;

// DType codes: the order of DeepSeek.Sdk.Tensors.DType.
#define DT_F32 1
#define DT_F16 2
#define DT_BF16 3
#define DT_F8E4M3 4
#define DT_I64 6
#define DT_I32 7

// Error codes written to the backend's mapped error record (CudaBackend reads and throws after a sync).
#define ERR_EMBEDDING_ID 1
#define ERR_ROTARY_POSITION 2
#define ERR_SOFTMAX_LENGTH 3
#define ERR_CACHE_SLOT 4
#define ERR_CACHE_POSITION 5

// Programmatic dependent launch (sm_90+; CudaBackend launches with programmatic stream serialization there): a
// kernel may start while the previous one in the stream is still finishing, so every kernel calls this first,
// before it touches global memory. griddepcontrol.wait returns once the previous grid has completed and its
// writes are visible; launch_dependents then lets the next kernel's blocks be scheduled while this one runs, which
// hides the launch latency between the hundreds of small kernels of a decode step (CUDA programming guide,
// "Programmatic Dependent Launch and Synchronization"). Without the launch attribute both are no-ops.
__device__ __forceinline__ void grid_dependency_wait()
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
    asm volatile("griddepcontrol.launch_dependents;" ::: "memory");
#endif
}

__device__ __forceinline__ float bf16_to_f32(u16 bits) { return __uint_as_float(((u32)bits) << 16); }

// Round to nearest even, NaN kept quiet: torch's .to(bfloat16) and ScalarConversions.F32ToBF16.
__device__ __forceinline__ u16 f32_to_bf16(float value)
{
    u32 bits = __float_as_uint(value);
    if ((bits & 0x7FFFFFFFu) > 0x7F800000u) return (u16)((bits >> 16) | 0x40u);
    u32 rounding = 0x7FFFu + ((bits >> 16) & 1u);
    return (u16)((bits + rounding) >> 16);
}

__device__ __forceinline__ float f16_to_f32(u16 bits)
{
    float f;
    asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(bits));
    return f;
}

__device__ __forceinline__ u16 f32_to_f16(float value)
{
    u16 bits;
    asm("cvt.rn.f16.f32 %0, %1;" : "=h"(bits) : "f"(value));
    return bits;
}

// FP8 E4M3 ("fn": bias 7, subnormals, S.1111.111 is NaN, no infinities), as DeepSeek-V3 stores its weights.
__device__ __forceinline__ float fp8_to_f32(u8 b)
{
    u32 sign = ((u32)b & 0x80u) << 24;
    u32 exponent = ((u32)b >> 3) & 0xFu, mantissa = (u32)b & 7u;
    if (exponent == 0xFu && mantissa == 7u) return __uint_as_float(0x7FC00000u | sign);
    if (exponent == 0u) return __uint_as_float(sign | __float_as_uint((float)mantissa * 0.001953125f)); // m * 2^-9
    return __uint_as_float(sign | ((exponent + 120u) << 23) | (mantissa << 20));
}

// Round to nearest even with saturation to +-448, as ScalarConversions.F32ToF8E4M3: the non-negative finite codes
// 0..0x7E are monotonic, so a binary search finds the pair that brackets |value|.
__device__ __forceinline__ u8 f32_to_fp8(float value)
{
    if (value != value) return 0x7F;
    u8 sign = (__float_as_uint(value) >> 24) & 0x80u;
    float a = fabsf(value);
    if (a >= 448.0f) return (u8)(sign | 0x7E);
    int lo = 0, hi = 0x7E;
    while (lo < hi)
    {
        int mid = (lo + hi + 1) >> 1;
        if (fp8_to_f32((u8)mid) <= a) lo = mid; else hi = mid - 1;
    }
    float below = fp8_to_f32((u8)lo), above = fp8_to_f32((u8)(lo + 1));
    int code = (a - below) < (above - a) ? lo : (a - below) > (above - a) ? lo + 1 : ((lo & 1) == 0 ? lo : lo + 1);
    return (u8)(sign | code);
}

// silu(v) = v * sigmoid(v), as torch computes it in F32.
__device__ __forceinline__ float silu(float v) { return v / (1.0f + expf(-v)); }

__device__ __forceinline__ float warp_sum(float v)
{
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xFFFFFFFFu, v, o);
    return v;
}

__device__ __forceinline__ float warp_max(float v)
{
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xFFFFFFFFu, v, o));
    return v;
}

// Sum over the block; every thread gets the result. scratch: 32 floats of shared memory. Ends with a barrier,
// so the scratch may be reused right away.
__device__ __forceinline__ float block_sum(float v, float* scratch)
{
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
    v = warp_sum(v);
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    float total = lane < warps ? scratch[lane] : 0.0f;
    total = warp_sum(total);
    __syncthreads();
    return total;
}

__device__ __forceinline__ float block_max(float v, float* scratch)
{
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
    v = warp_max(v);
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    float total = lane < warps ? scratch[lane] : -__int_as_float(0x7F800000);
    total = warp_max(total);
    __syncthreads();
    return total;
}

// Records the first error seen (racing writers may mix, which only blurs which bad value is named). The record
// lives in mapped host memory, so plain stores suffice and the host reads it after the stream has drained.
__device__ __forceinline__ void report_error(volatile int* record, int code, int value, int index)
{
    if (record == 0 || record[0] != 0) return;
    record[1] = value;
    record[2] = index;
    __threadfence_system();
    record[0] = code;
}

// Grid-stride loop over flat element indices [0, n).
#define GRID_STRIDE(i, n) for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (i64)blockDim.x * gridDim.x)

#define NEG_INF (-__int_as_float(0x7F800000))
