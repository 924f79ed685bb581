// Row normalizations over the last axis; one block per row. In place is allowed (x == y): a thread writes only
// the elements it read.
#include "common.cuh"

// RMSNorm as Llama/DeepSeek compute it: in F32, x * rsqrt(mean(x^2) + eps), then times the weight
// (transformers LlamaRMSNorm / DeepseekV3RMSNorm). The weight is F32 or BF16.
extern "C" __global__ void rmsnorm_f32(const float* x, const void* weight, int weightIsBF16, float eps, float* y, int cols)
{
    grid_dependency_wait();
    __shared__ float scratch[32];
    const float* xr = x + (i64)blockIdx.x * cols;
    float* yr = y + (i64)blockIdx.x * cols;
    float sum = 0.0f;
    for (int i = threadIdx.x; i < cols; i += blockDim.x) sum += xr[i] * xr[i];
    sum = block_sum(sum, scratch);
    float inv = 1.0f / sqrtf(sum / cols + eps);
    for (int i = threadIdx.x; i < cols; i += blockDim.x)
    {
        float w = weightIsBF16 ? bf16_to_f32(((const u16*)weight)[i]) : ((const float*)weight)[i];
        yr[i] = xr[i] * inv * w;
    }
}

// hidden += delta, then RMSNorm of the sum into y (a residual add fused with the next norm). y may be delta.
extern "C" __global__ void add_rmsnorm_f32(float* hidden, const float* delta, const void* weight, int weightIsBF16, float eps, float* y, int cols)
{
    grid_dependency_wait();
    __shared__ float scratch[32];
    float* hr = hidden + (i64)blockIdx.x * cols;
    const float* dr = delta + (i64)blockIdx.x * cols;
    float* yr = y + (i64)blockIdx.x * cols;
    float sum = 0.0f;
    for (int i = threadIdx.x; i < cols; i += blockDim.x)
    {
        float h = hr[i] + dr[i];
        hr[i] = h;
        sum += h * h;
    }
    sum = block_sum(sum, scratch);
    float inv = 1.0f / sqrtf(sum / cols + eps);
    for (int i = threadIdx.x; i < cols; i += blockDim.x)
    {
        float w = weightIsBF16 ? bf16_to_f32(((const u16*)weight)[i]) : ((const float*)weight)[i];
        yr[i] = hr[i] * inv * w;
    }
}

// LayerNorm with biased variance, as torch.nn.LayerNorm; two passes so that |mean| >> std loses no digits.
extern "C" __global__ void layernorm_f32(const float* x, const float* weight, const float* bias, float eps, float* y, int cols)
{
    grid_dependency_wait();
    __shared__ float scratch[32];
    const float* xr = x + (i64)blockIdx.x * cols;
    float* yr = y + (i64)blockIdx.x * cols;
    float sum = 0.0f;
    for (int i = threadIdx.x; i < cols; i += blockDim.x) sum += xr[i];
    float mean = block_sum(sum, scratch) / cols;
    float squares = 0.0f;
    for (int i = threadIdx.x; i < cols; i += blockDim.x)
    {
        float d = xr[i] - mean;
        squares += d * d;
    }
    float inv = 1.0f / sqrtf(block_sum(squares, scratch) / cols + eps);
    for (int i = threadIdx.x; i < cols; i += blockDim.x)
    {
        float v = (xr[i] - mean) * inv * weight[i];
        yr[i] = bias ? v + bias[i] : v;
    }
}
