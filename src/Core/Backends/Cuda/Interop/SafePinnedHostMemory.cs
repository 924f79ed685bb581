namespace DeepSeek.Sdk.Backends.Cuda.Interop;

/// <summary>Page-locked host memory (cuMemHostAlloc): the DMA engine copies from it directly and asynchronously,
/// which pageable memory does not allow. Optionally mapped into the device's address space.</summary>
internal sealed unsafe class SafePinnedHostMemory : ContextBoundHandle
{
    private SafePinnedHostMemory(SafeCudaContextHandle context, long bytes)
        : base(context) => ByteLength = bytes;

    public long ByteLength { get; }

    public byte* Pointer => (byte*)Raw;

    public static SafePinnedHostMemory Allocate(SafeCudaContextHandle context, long bytes, bool mapped)
    {
        var memory = new SafePinnedHostMemory(context, bytes);
        void* raw;
        uint flags = CudaDriver.HostAllocPortable | (mapped ? CudaDriver.HostAllocDeviceMap : 0);
        CudaException.Check(CudaDriver.MemHostAlloc(&raw, (nuint)bytes, flags), "cuMemHostAlloc");
        memory.Adopt((IntPtr)raw);
        new Span<byte>(raw, checked((int)bytes)).Clear();
        return memory;
    }

    /// <summary>The device address of mapped memory.</summary>
    public ulong DevicePointer()
    {
        ulong device;
        CudaException.Check(CudaDriver.MemHostGetDevicePointer(&device, Pointer, 0), "cuMemHostGetDevicePointer");
        return device;
    }

    protected override int Destroy(IntPtr raw) => CudaDriver.MemFreeHost((void*)raw);
}
