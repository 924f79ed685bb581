namespace DeepSeek.Sdk.Backends.Cuda;

/// <summary>Backend-internal device buffers by role (activations converted to BF16 for cuBLAS, a dequantized FP8
/// weight, attention partials), grown to the largest size asked for and reused, like the layers' RowBuffers.
/// A buffer outgrown is returned to the pool at once: work already queued on the stream still reads it first.</summary>
internal sealed class DeviceScratch(DeviceMemoryPool pool)
{
    private readonly Dictionary<string, (ulong Pointer, long Bytes)> _buffers = new(StringComparer.Ordinal);

    public ulong Get(string role, long bytes)
    {
        if (_buffers.TryGetValue(role, out var buffer) && buffer.Bytes >= bytes) return buffer.Pointer;
        if (buffer.Pointer != 0) pool.Return(buffer.Pointer);
        long size = DeviceMemoryPool.RoundUp(bytes);
        ulong pointer = pool.Rent(size);
        _buffers[role] = (pointer, size);
        return pointer;
    }
}
