using DeepSeek.Sdk.Backends.Cuda.Interop;

namespace DeepSeek.Sdk.Backends.Cuda;

/// <summary>Where kernels report bad indices (a token id outside the vocabulary, a position outside the rotary
/// table or cache) that the CPU backend would throw for at once. It is mapped host memory, so a kernel's plain
/// stores land in it directly; the backend reads it after each wait on the stream and throws then, naming the
/// operation, the value and the row.</summary>
internal sealed unsafe class DeviceErrorRecord : IDisposable
{
    // Codes of Kernels/common.cuh.
    private const int EmbeddingId = 1;
    private const int RotaryPosition = 2;
    private const int SoftmaxLength = 3;
    private const int CacheSlot = 4;
    private const int CachePosition = 5;

    private readonly SafePinnedHostMemory _memory;

    public DeviceErrorRecord(SafeCudaContextHandle context)
    {
        _memory = SafePinnedHostMemory.Allocate(context, 64, mapped: true);
        DevicePointer = _memory.DevicePointer();
    }

    public ulong DevicePointer { get; }

    /// <summary>Throws (and clears the record) when a kernel has reported an error. Call after the stream has drained.</summary>
    public void ThrowIfSet()
    {
        var record = (int*)_memory.Pointer;
        int code = Volatile.Read(ref record[0]);
        if (code == 0) return;
        int value = record[1], index = record[2];
        record[0] = 0;
        throw code switch
        {
            EmbeddingId => new ArgumentOutOfRangeException("ids", $"Embedding: id {value} at row {index} is outside the table (the output row was zeroed)."),
            RotaryPosition => new ArgumentOutOfRangeException("positions", $"ApplyRotary: position {value} of token {index} is outside the rotary table (the token was left unrotated)."),
            SoftmaxLength => new ArgumentOutOfRangeException("validLengths", $"Softmax: valid length {value} of row {index} is outside 0..columns."),
            CacheSlot => new ArgumentOutOfRangeException("slots", $"GroupedQueryAttention: slot {value} of row {index} is outside the cache."),
            CachePosition => new ArgumentOutOfRangeException("positions", $"GroupedQueryAttention: position {value} of row {index} is outside the cache capacity."),
            _ => new InvalidOperationException($"A CUDA kernel reported error code {code} (value {value}, row {index})."),
        };
    }

    public void Dispose() => _memory.Dispose();
}
