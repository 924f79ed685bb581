namespace DeepSeek.Sdk.Backends.Cuda.Interop;

/// <summary>A CUDA event without timing (cheaper to record), used to know when a pinned staging buffer is free again.</summary>
internal sealed unsafe class SafeCudaEventHandle : ContextBoundHandle
{
    private SafeCudaEventHandle(SafeCudaContextHandle context)
        : base(context)
    {
    }

    public static SafeCudaEventHandle Create(SafeCudaContextHandle context)
    {
        var evt = new SafeCudaEventHandle(context);
        IntPtr raw;
        CudaException.Check(CudaDriver.EventCreate(&raw, CudaDriver.EventDisableTiming), "cuEventCreate");
        evt.Adopt(raw);
        return evt;
    }

    protected override int Destroy(IntPtr raw) => CudaDriver.EventDestroy(raw);
}
