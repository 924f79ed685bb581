// CUDA_INJECTION64_PATH library (tools/gpu-trace/README.md): records kernels, memcpys and, with CUPTI_DRIVER set,
// driver API calls into $CUPTI_TRACE_OUT as CSV: kind,start,duration,gridX,gridY,regs,name.
#include <cupti.h>
#include <stdio.h>
#include <stdlib.h>
static FILE* out;
static void CUPTIAPI requested(uint8_t** buffer, size_t* size, size_t* maxRecords)
{ *size = 32 << 20; *buffer = aligned_alloc(8, *size); *maxRecords = 0; }
static void CUPTIAPI completed(CUcontext ctx, uint32_t stream, uint8_t* buffer, size_t size, size_t valid)
{
    CUpti_Activity* r = NULL;
    while (cuptiActivityGetNextRecord(buffer, valid, &r) == CUPTI_SUCCESS)
    {
        if (r->kind == CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL || r->kind == CUPTI_ACTIVITY_KIND_KERNEL)
        {
            KT* k = (KT*)r;
            fprintf(out, "K,%llu,%llu,%d,%d,%d,\"%s\"\n", (unsigned long long)k->start, (unsigned long long)(k->end - k->start),
                k->gridX, k->gridY, k->registersPerThread, k->name);
        }
        else if (r->kind == CUPTI_ACTIVITY_KIND_MEMCPY)
        {
            MT* m = (MT*)r;
            fprintf(out, "M,%llu,%llu,%d,%llu,0,\"memcpy\"\n", (unsigned long long)m->start, (unsigned long long)(m->end - m->start),
                (int)m->copyKind, (unsigned long long)m->bytes);
        }
        else if (r->kind == CUPTI_ACTIVITY_KIND_DRIVER)
        {
            CUpti_ActivityAPI* a = (CUpti_ActivityAPI*)r;
            const char* name = "?";
            cuptiGetCallbackName(CUPTI_CB_DOMAIN_DRIVER_API, a->cbid, &name);
            fprintf(out, "D,%llu,%llu,0,0,0,\"%s\"\n", (unsigned long long)a->start, (unsigned long long)(a->end - a->start), name);
        }
    }
    free(buffer);
}
static void flush(void) { cuptiActivityFlushAll(1); fflush(out); }
int InitializeInjection(void)
{
    out = fopen(getenv("CUPTI_TRACE_OUT"), "w");
    fprintf(out, "Kind,Start,Duration,GrdX,GrdY,Reg,Name\n");
    cuptiActivityRegisterCallbacks(requested, completed);
    cuptiActivityEnable(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL);
    cuptiActivityEnable(CUPTI_ACTIVITY_KIND_MEMCPY);
    if (getenv("CUPTI_DRIVER")) cuptiActivityEnable(CUPTI_ACTIVITY_KIND_DRIVER);
    atexit(flush);
    return 1;
}
