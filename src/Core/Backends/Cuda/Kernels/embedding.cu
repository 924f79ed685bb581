// Row gather: y[t, :] = table[ids[t], :] converted to F32. Also serves MoE dispatch (x as the table, an expert's
// token indices as the ids). An id outside the table is reported and its row zeroed.
#include "common.cuh"

extern "C" __global__ void embedding_f32(const void* ids, int idsAreI64, const void* table, int tableType, int vocab, int cols,
    float* y, int* errors)
{
    grid_dependency_wait();
    int t = blockIdx.x;
    i64 id = idsAreI64 ? ((const i64*)ids)[t] : (i64)((const int*)ids)[t];
    float* dst = y + (i64)t * cols;
    if (id < 0 || id >= vocab)
    {
        if (threadIdx.x == 0) report_error(errors, ERR_EMBEDDING_ID, (int)id, t);
        for (int i = threadIdx.x; i < cols; i += blockDim.x) dst[i] = 0.0f;
        return;
    }
    i64 offset = id * cols;
    for (int i = threadIdx.x; i < cols; i += blockDim.x)
    {
        float v;
        switch (tableType)
        {
            case DT_BF16: v = bf16_to_f32(((const u16*)table)[offset + i]); break;
            case DT_F16: v = f16_to_f32(((const u16*)table)[offset + i]); break;
            default: v = ((const float*)table)[offset + i]; break;
        }
        dst[i] = v;
    }
}
