namespace DeepSeek.Sdk.Backends.Cuda.Interop;

/// <summary>A cuBLAS handle, bound to the backend's stream and given a fixed workspace (so that it allocates
/// nothing while a CUDA graph is being captured).</summary>
internal sealed unsafe class SafeCublasHandle : ContextBoundHandle
{
    private SafeCublasHandle(SafeCudaContextHandle context)
        : base(context)
    {
    }

    public static SafeCublasHandle Create(SafeCudaContextHandle context)
    {
        var cublas = new SafeCublasHandle(context);
        IntPtr raw;
        CudaException.CheckCublas(Cublas.Create(&raw), "cublasCreate_v2");
        cublas.Adopt(raw);
        return cublas;
    }

    protected override int Destroy(IntPtr raw) => Cublas.Destroy(raw);
}
