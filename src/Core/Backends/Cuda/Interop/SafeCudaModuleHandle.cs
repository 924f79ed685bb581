namespace DeepSeek.Sdk.Backends.Cuda.Interop;

/// <summary>A loaded module (one compiled kernel source).</summary>
internal sealed unsafe class SafeCudaModuleHandle : ContextBoundHandle
{
    private SafeCudaModuleHandle(SafeCudaContextHandle context)
        : base(context)
    {
    }

    public static SafeCudaModuleHandle Load(SafeCudaContextHandle context, ReadOnlySpan<byte> image)
    {
        var module = new SafeCudaModuleHandle(context);
        IntPtr raw;
        fixed (byte* p = image)
            CudaException.Check(CudaDriver.ModuleLoadData(&raw, p), "cuModuleLoadData");
        module.Adopt(raw);
        return module;
    }

    protected override int Destroy(IntPtr raw) => CudaDriver.ModuleUnload(raw);
}
