namespace DeepSeek.Sdk.Backends.Cuda.Interop;

/// <summary>A CUDA stream. The backend queues all its work on one non-blocking stream, which is what makes
/// reusing pooled memory safe without events: every later use is ordered after every earlier one.</summary>
internal sealed unsafe class SafeCudaStreamHandle : ContextBoundHandle
{
    private SafeCudaStreamHandle(SafeCudaContextHandle context)
        : base(context)
    {
    }

    public static SafeCudaStreamHandle Create(SafeCudaContextHandle context)
    {
        var stream = new SafeCudaStreamHandle(context);
        IntPtr raw;
        CudaException.Check(CudaDriver.StreamCreate(&raw, CudaDriver.StreamNonBlocking), "cuStreamCreate");
        stream.Adopt(raw);
        return stream;
    }

    protected override int Destroy(IntPtr raw) => CudaDriver.StreamDestroy(raw);
}
