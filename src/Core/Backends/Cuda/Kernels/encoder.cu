// Kernels of the image encoders and the VQ decoder (SigLIP, Janus gen_vision_model): im2col for convolutions (the
// product itself is a cuBLAS GEMM), GroupNorm and nearest upsampling; their unmasked attention is full_attend in
// attention.cu. Images are channels-last: [batch, height, width, channels].
#include "common.cuh"

// cols[r, (c * kh + ky) * kw + kx] = x[b, oy * stride - padding + ky, ox * stride - padding + kx, c] (zero outside
// the image) for output pixels r = first .. first + count - 1, r = (b * outH + oy) * outW + ox: each row is the
// patch that one row of the weight [out, in, kh, kw] multiplies.
extern "C" __global__ void im2col_f32(const float* x, int height, int width, int channels, int kh, int kw, int stride,
    int padding, int outH, int outW, i64 first, i64 count, float* cols)
{
    grid_dependency_wait();
    i64 patch = (i64)channels * kh * kw;
    GRID_STRIDE(i, count * patch)
    {
        i64 r = first + i / patch;
        int j = (int)(i % patch);
        int kx = j % kw, ky = (j / kw) % kh, c = j / (kw * kh);
        int ox = (int)(r % outW), oy = (int)((r / outW) % outH);
        i64 b = r / ((i64)outW * outH);
        int iy = oy * stride - padding + ky, ix = ox * stride - padding + kx;
        cols[i] = iy >= 0 && iy < height && ix >= 0 && ix < width ? x[((b * height + iy) * width + ix) * channels + c] : 0.0f;
    }
}

// torch.nn.GroupNorm on x [batch, positions, channels]: one block per (batch item, group) normalizes the group's
// positions x channels values with their mean and biased variance (two passes), then applies the channel's affine.
extern "C" __global__ void groupnorm_f32(const float* x, int positions, int channels, int groups, const float* weight,
    const float* bias, float eps, float* y)
{
    grid_dependency_wait();
    __shared__ float scratch[32];
    int b = blockIdx.x / groups, g = blockIdx.x % groups, width = channels / groups;
    i64 base = (i64)b * positions * channels + (i64)g * width;
    i64 n = (i64)positions * width;
    float sum = 0.0f;
    for (i64 i = threadIdx.x; i < n; i += blockDim.x) sum += x[base + (i / width) * channels + i % width];
    float mean = block_sum(sum, scratch) / (float)n;
    float squares = 0.0f;
    for (i64 i = threadIdx.x; i < n; i += blockDim.x)
    {
        float d = x[base + (i / width) * channels + i % width] - mean;
        squares += d * d;
    }
    float inv = 1.0f / sqrtf(block_sum(squares, scratch) / (float)n + eps);
    for (i64 i = threadIdx.x; i < n; i += blockDim.x)
    {
        i64 at = base + (i / width) * channels + i % width;
        int c = g * width + (int)(i % width);
        y[at] = (x[at] - mean) * inv * weight[c] + bias[c];
    }
}

// F.interpolate(mode="nearest") by whole factors: y[b, oy, ox, c] = x[b, oy / fy, ox / fx, c].
extern "C" __global__ void upsample_nearest_f32(const float* x, int height, int width, int channels, int fy, int fx, float* y, i64 n)
{
    grid_dependency_wait();
    int outW = width * fx, outH = height * fy;
    GRID_STRIDE(i, n)
    {
        int c = (int)(i % channels);
        i64 pixel = i / channels;
        int ox = (int)(pixel % outW), oy = (int)((pixel / outW) % outH);
        i64 b = pixel / ((i64)outW * outH);
        y[i] = x[((b * height + oy / fy) * width + ox / fx) * channels + c];
    }
}
