// Row softmax of x * scale over the first validLengths[row] columns (all when null); the rest become exactly 0.
// One block per row. A causal mask for a query at position p is validLength = p + 1.
#include "common.cuh"

extern "C" __global__ void softmax_f32(const float* x, float* y, int cols, float scale, const int* validLengths, int* errors)
{
    grid_dependency_wait();
    __shared__ float scratch[32];
    int row = blockIdx.x;
    const float* xr = x + (i64)row * cols;
    float* yr = y + (i64)row * cols;
    int valid = validLengths ? validLengths[row] : cols;
    if (valid < 0 || valid > cols)
    {
        if (threadIdx.x == 0) report_error(errors, ERR_SOFTMAX_LENGTH, valid, row);
        valid = valid < 0 ? 0 : cols;
    }
    float m = NEG_INF;
    for (int i = threadIdx.x; i < valid; i += blockDim.x) m = fmaxf(m, xr[i] * scale);
    m = block_max(m, scratch);
    float sum = 0.0f;
    for (int i = threadIdx.x; i < valid; i += blockDim.x) sum += expf(xr[i] * scale - m);
    sum = block_sum(sum, scratch);
    float inv = 1.0f / sum;
    for (int i = threadIdx.x; i < cols; i += blockDim.x)
        yr[i] = i < valid ? expf(xr[i] * scale - m) * inv : 0.0f;
}
