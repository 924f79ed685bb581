using System.Runtime.InteropServices;

namespace DeepSeek.Sdk.Backends.Cuda.Interop;

/// <summary>A handle that belongs to a context (stream, event, module, cuBLAS handle, pinned memory, graph). It
/// keeps the context alive until it is released, and releases with the context current, since the finalizer
/// thread has no context of its own.</summary>
internal abstract unsafe class ContextBoundHandle : SafeHandle
{
    private readonly SafeCudaContextHandle _context;

    protected ContextBoundHandle(SafeCudaContextHandle context)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        _context = context;
        bool added = false;
        _context.DangerousAddRef(ref added);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>The raw handle for hot calls; valid while this object is alive and not disposed.</summary>
    public IntPtr Raw => handle;

    protected void Adopt(IntPtr raw) => SetHandle(raw);

    protected abstract int Destroy(IntPtr raw);

    protected sealed override bool ReleaseHandle()
    {
        try
        {
            if (CudaDriver.CtxPushCurrent(_context.DangerousGetHandle()) != CudaDriver.Success) return false;
            int result = Destroy(handle);
            IntPtr popped;
            CudaDriver.CtxPopCurrent(&popped);
            return result == 0;
        }
        finally
        {
            _context.DangerousRelease();
        }
    }
}
