using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Backends.Cuda;

/// <summary>Device memory of a <see cref="CudaBackend"/>, rented from its pool and returned on dispose or, when a
/// tensor is simply dropped, by the finalizer (returning only touches the pool's lists, so it is safe there).</summary>
public sealed class CudaStorage : TensorStorage
{
    private readonly DeviceMemoryPool _pool;
    private ulong _pointer;

    internal CudaStorage(DeviceMemoryPool pool, ulong pointer, long byteLength, Device device)
    {
        _pool = pool;
        _pointer = pointer;
        ByteLength = byteLength;
        Device = device;
    }

    ~CudaStorage() => Dispose(false);

    public override Device Device { get; }

    public override long ByteLength { get; }

    /// <summary>The device address of the first byte.</summary>
    public ulong DevicePointer
    {
        get
        {
            ulong p = _pointer;
            ObjectDisposedException.ThrowIf(p == 0, this);
            return p;
        }
    }

    internal bool Belongs(DeviceMemoryPool pool) => ReferenceEquals(pool, _pool);

    protected override void Dispose(bool disposing)
    {
        ulong p = Interlocked.Exchange(ref _pointer, 0);
        if (p != 0) _pool.Return(p);
    }
}
