using System.Runtime.InteropServices;

namespace DeepSeek.Sdk.Backends.Cuda.Interop;

/// <summary>A retained primary context of one device. The primary context is the one the CUDA runtime (and so
/// cuBLAS) uses, which is why the backend retains it instead of creating its own.</summary>
internal sealed unsafe class SafeCudaContextHandle : SafeHandle
{
    private SafeCudaContextHandle(int device)
        : base(IntPtr.Zero, ownsHandle: true) => Device = device;

    public int Device { get; }

    public override bool IsInvalid => handle == IntPtr.Zero;

    public static SafeCudaContextHandle Retain(int device)
    {
        var context = new SafeCudaContextHandle(device);
        IntPtr raw;
        CudaException.Check(CudaDriver.DevicePrimaryCtxRetain(&raw, device), "cuDevicePrimaryCtxRetain");
        context.SetHandle(raw);
        return context;
    }

    protected override bool ReleaseHandle() => CudaDriver.DevicePrimaryCtxRelease(Device) == CudaDriver.Success;
}
