// Elementwise kernels over F32 tensors, grid-stride loops over flat element indices. A second operand of
// bCount < n values is one row broadcast over the rows (a bias, a per-channel scale). Outputs may alias inputs:
// each element is read before it is written by the same thread.
#include "common.cuh"

extern "C" __global__ void silu_f32(const float* x, float* y, i64 n)
{
    grid_dependency_wait();
    GRID_STRIDE(i, n)
    {
        y[i] = silu(x[i]);
    }
}

// silu(gate) * up: LlamaMLP / DeepseekV3MLP act_fn(gate_proj(x)) * up_proj(x).
extern "C" __global__ void swiglu_f32(const float* gate, const float* up, float* y, i64 n)
{
    grid_dependency_wait();
    GRID_STRIDE(i, n)
    {
        y[i] = silu(gate[i]) * up[i];
    }
}

// Exact GELU 0.5 x (1 + erf(x / sqrt 2)) in double (the CPU kernel's precision), or torch's tanh approximation.
extern "C" __global__ void gelu_f32(const float* x, float* y, i64 n, int tanhApproximation)
{
    grid_dependency_wait();
    GRID_STRIDE(i, n)
    {
        float v = x[i];
        if (tanhApproximation)
        {
            float inner = 0.7978845608028654f * (v + 0.044715f * v * v * v);
            y[i] = 0.5f * v * (1.0f + tanhf(inner));
        }
        else
        {
            double d = v;
            y[i] = (float)(0.5 * d * (1.0 + erf(d * 0.7071067811865476)));
        }
    }
}

extern "C" __global__ void add_f32(const float* a, const float* b, i64 bCount, float* y, i64 n)
{
    grid_dependency_wait();
    GRID_STRIDE(i, n) y[i] = a[i] + b[bCount == n ? i : i % bCount];
}

extern "C" __global__ void mul_f32(const float* a, const float* b, i64 bCount, float* y, i64 n)
{
    grid_dependency_wait();
    GRID_STRIDE(i, n) y[i] = a[i] * b[bCount == n ? i : i % bCount];
}

extern "C" __global__ void scale_f32(const float* x, float s, float* y, i64 n)
{
    grid_dependency_wait();
    GRID_STRIDE(i, n) y[i] = x[i] * s;
}

// y = a + s * b, as one fused multiply-add (TensorPrimitives.MultiplyAdd on the CPU).
extern "C" __global__ void add_scaled_f32(const float* a, const float* b, float s, float* y, i64 n)
{
    grid_dependency_wait();
    GRID_STRIDE(i, n) y[i] = fmaf(b[i], s, a[i]);
}

// Between F32 and BF16/F16/F8E4M3 (one side is F32; equal dtypes are plain copies done by the host).
extern "C" __global__ void convert(const void* source, int from, void* destination, int to, i64 n)
{
    grid_dependency_wait();
    GRID_STRIDE(i, n)
    {
        float v;
        switch (from)
        {
            case DT_BF16: v = bf16_to_f32(((const u16*)source)[i]); break;
            case DT_F16: v = f16_to_f32(((const u16*)source)[i]); break;
            case DT_F8E4M3: v = fp8_to_f32(((const u8*)source)[i]); break;
            default: v = ((const float*)source)[i]; break;
        }
        switch (to)
        {
            case DT_BF16: ((u16*)destination)[i] = f32_to_bf16(v); break;
            case DT_F16: ((u16*)destination)[i] = f32_to_f16(v); break;
            case DT_F8E4M3: ((u8*)destination)[i] = f32_to_fp8(v); break;
            default: ((float*)destination)[i] = v; break;
        }
    }
}

// A block-scaled FP8 weight [rows, cols] (row stride in elements) to F32 [rows, cols], value * tile scale
// (DeepSeek-V3 inference/kernel.py weight_dequant), for products large enough to go to cuBLAS. F32 keeps the
// product fp8 * scale exact (BF16 would round it to 8 bits).
extern "C" __global__ void dequantize_fp8_f32(const u8* weight, i64 rowStride, const float* scales, i64 scaleRowStride,
    int blockRows, int blockCols, float* output, int rows, int cols)
{
    grid_dependency_wait();
    i64 n = (i64)rows * cols;
    GRID_STRIDE(i, n)
    {
        int r = (int)(i / cols), c = (int)(i % cols);
        float s = scales[(i64)(r / blockRows) * scaleRowStride + c / blockCols];
        output[i] = fp8_to_f32(weight[(i64)r * rowStride + c]) * s;
    }
}
