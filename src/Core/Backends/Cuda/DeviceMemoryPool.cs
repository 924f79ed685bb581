using DeepSeek.Sdk.Backends.Cuda.Interop;

namespace DeepSeek.Sdk.Backends.Cuda;

/// <summary>A caching allocator for device memory, in the manner of PyTorch's CUDA caching allocator: blocks are
/// kept by size when their tensor is released and handed out again for the same size, so that steady-state
/// decoding (the same workspaces, the same per-step uploads) makes no cuMemAlloc or cuMemFree calls, which are
/// slow and, for cuMemFree, synchronizing. Reuse needs no events because every user of the memory queues its work
/// on the backend's one stream: a block's next user is ordered after its last. Sizes are rounded up to 512 bytes
/// (cuBLAS and vector loads want 256-byte or better alignment, which cuMemAlloc gives every block).</summary>
internal sealed class DeviceMemoryPool : IDisposable
{
    public const long Granularity = 512;

    private readonly Lock _gate = new();
    private readonly Dictionary<long, Stack<ulong>> _free = [];
    private readonly Dictionary<ulong, long> _live = [];
    private readonly List<(ulong Pointer, long Size)> _quarantine = [];
    private long _cachedBytes;
    private bool _disposed;

    /// <summary>Bytes held by tensors.</summary>
    public long LiveBytes { get; private set; }

    /// <summary>Bytes released by tensors and kept for reuse.</summary>
    public long CachedBytes => _cachedBytes;

    public static long RoundUp(long bytes) => (Math.Max(bytes, 1) + Granularity - 1) / Granularity * Granularity;

    /// <summary>A block of at least <paramref name="bytes"/>; the caller must have the context current.</summary>
    public unsafe ulong Rent(long bytes)
    {
        long size = RoundUp(bytes);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_free.TryGetValue(size, out var stack) && stack.TryPop(out ulong reused))
            {
                _cachedBytes -= size;
                _live.Add(reused, size);
                LiveBytes += size;
                return reused;
            }
        }
        ulong pointer;
        int result = CudaDriver.MemAlloc(&pointer, (nuint)size);
        if (result == CudaDriver.ErrorOutOfMemory)
        {
            // Cached blocks of other sizes may be what stands in the way.
            ReleaseCached();
            result = CudaDriver.MemAlloc(&pointer, (nuint)size);
        }
        if (result == CudaDriver.ErrorOutOfMemory)
            throw new OutOfMemoryException($"The GPU has no {size} bytes left: {LiveBytes} bytes are held by tensors after releasing the cache ({CudaDriver.ErrorName(result)}).");
        CudaException.Check(result, "cuMemAlloc");
        lock (_gate)
        {
            _live.Add(pointer, size);
            LiveBytes += size;
        }
        return pointer;
    }

    /// <summary>Takes a block back. It becomes reusable at the next <see cref="ReleaseQuarantine"/> (the backend's
    /// next wait on the stream): until then work that <see cref="SegmentGraphs"/> holds back may still refer to it.
    /// Safe from a finalizer: it only touches the lists.</summary>
    public void Return(ulong pointer)
    {
        lock (_gate)
        {
            if (_disposed || !_live.Remove(pointer, out long size)) return;
            LiveBytes -= size;
            _quarantine.Add((pointer, size));
            _cachedBytes += size;
        }
    }

    /// <summary>Makes the blocks returned since the last call reusable.</summary>
    public void ReleaseQuarantine()
    {
        lock (_gate)
        {
            foreach (var (pointer, size) in _quarantine)
            {
                if (!_free.TryGetValue(size, out var stack)) _free.Add(size, stack = new Stack<ulong>());
                stack.Push(pointer);
            }
            _quarantine.Clear();
        }
    }

    /// <summary>Frees every cached block that is out of quarantine (cuMemFree waits for the device). The context must be current.</summary>
    public void ReleaseCached()
    {
        lock (_gate)
        {
            foreach (var (size, stack) in _free)
                while (stack.TryPop(out ulong pointer))
                {
                    CudaDriver.MemFree(pointer);
                    _cachedBytes -= size;
                }
            _free.Clear();
        }
    }

    /// <summary>Frees everything, including blocks still held by tensors, which become unusable. The context must be current.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            foreach (var stack in _free.Values)
                while (stack.TryPop(out ulong pointer)) CudaDriver.MemFree(pointer);
            foreach (ulong pointer in _live.Keys) CudaDriver.MemFree(pointer);
            foreach (var (pointer, _) in _quarantine) CudaDriver.MemFree(pointer);
            _quarantine.Clear();
            _free.Clear();
            _live.Clear();
            _cachedBytes = 0;
            LiveBytes = 0;
            _disposed = true;
        }
    }
}
