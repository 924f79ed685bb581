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
