using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Generation;

namespace DeepSeek.Sdk.Layers;

/// <summary>The key/value cache of one sequence: slot <see cref="Slot"/> of a <see cref="KvCacheBatch"/>, holding
/// [layers][kv_heads][positions][head_dim] keys and values. A cache made on its own (<see cref="Create"/>) is a
/// batch of one that it owns and disposes; a slot of a larger batch leaves the storage to the batch.</summary>
public sealed class KvCache : IKvCache
{
    private bool _ownsBatch;

    internal KvCache(KvCacheBatch batch, int slot)
    {
        Batch = batch;
        Slot = slot;
    }

    /// <summary>The storage this sequence is a slot of; sequences of one batch can be decoded together.</summary>
    public KvCacheBatch Batch { get; }

    /// <summary>This sequence's index in <see cref="KvCacheBatch.Keys"/> and <see cref="KvCacheBatch.Values"/>.</summary>
    public int Slot { get; }

    public int Length { get; private set; }

    public int Capacity => Batch.Capacity;

    public long BytesPerToken => Batch.BytesPerToken;

    /// <summary>A cache for one sequence, owning its storage.</summary>
    public static KvCache Create(IBackend backend, int layers, int kvHeads, int headDim, int capacity)
    {
        var cache = new KvCacheBatch(backend, layers, kvHeads, headDim, capacity, 1)[0];
        cache._ownsBatch = true;
        return cache;
    }

    /// <summary>Marks <paramref name="count"/> more positions as filled, after every layer has written them.</summary>
    public void Advance(int count)
    {
        ObjectDisposedException.ThrowIf(Batch.IsDisposed, this);
        if (count < 0 || Length + count > Capacity)
            throw new ArgumentOutOfRangeException(nameof(count), $"Cannot add {count} positions to a cache holding {Length} of {Capacity}.");
        Length += count;
    }

    public void Truncate(int length)
    {
        if (length < 0 || length > Length)
            throw new ArgumentOutOfRangeException(nameof(length), $"Cannot truncate a cache of {Length} positions to {length}.");
        Length = length;
    }

    public void Dispose()
    {
        if (_ownsBatch) Batch.Dispose();
    }
}
