// Rotary position embedding in place (RoFormer, Su et al. 2021, eq. 34): for a pair (a, b) at angle theta,
// a' = a cos - b sin, b' = b cos + a sin. Half-split pairs feature i with i + d/2 (transformers' rotate_half);
// interleaved pairs 2i with 2i+1 (DeepSeek's inference/model.py). One block per token, threads over
// (head, pair). cos/sin are [maxPositions, half] with the attention scaling already applied.
#include "common.cuh"

extern "C" __global__ void rotary_f32(float* x, int heads, int headStride, int rotaryOffset, int half,
    const int* positions, const float* cosTable, const float* sinTable, int maxPositions, int interleaved, int* errors)
{
    grid_dependency_wait();
    int token = blockIdx.x;
    int pos = positions[token];
    if (pos < 0 || pos >= maxPositions)
    {
        if (threadIdx.x == 0) report_error(errors, ERR_ROTARY_POSITION, pos, token);
        return;
    }
    const float* c = cosTable + (i64)pos * half;
    const float* s = sinTable + (i64)pos * half;
    for (int j = threadIdx.x; j < heads * half; j += blockDim.x)
    {
        int h = j / half, i = j % half;
        float* v = x + ((i64)token * heads + h) * headStride + rotaryOffset;
        int ia = interleaved ? 2 * i : i, ib = interleaved ? 2 * i + 1 : i + half;
        float a = v[ia], b = v[ib];
        v[ia] = a * c[i] - b * s[i];
        v[ib] = b * c[i] + a * s[i];
    }
}
