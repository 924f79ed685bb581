using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Layers;

/// <summary>The standard key/value cache (Llama, Qwen2) of a batch of sequences that can be decoded together: per
/// layer one key tensor and one value tensor [sequences, kv_heads, capacity, head_dim] in F32, so each sequence
/// (a slot, <see cref="KvCache"/>) holds [layers][kv_heads][positions][head_dim] and one attention call can serve
/// a row of every sequence (<see cref="IBackend.GroupedQueryAttention"/> takes each row's slot). Keys are stored
/// rotated, as transformers' DynamicCache holds them. Each sequence keeps its own length.</summary>
public sealed class KvCacheBatch : IDisposable
{
    private readonly Tensor[] _keys;
    private readonly Tensor[] _values;
    private readonly KvCache[] _sequences;
    private bool _disposed;

    public KvCacheBatch(IBackend backend, int layers, int kvHeads, int headDim, int capacity, int sequences)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(layers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kvHeads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(headDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sequences);
        Layers = layers;
        KvHeads = kvHeads;
        HeadDim = headDim;
        Capacity = capacity;
        _keys = new Tensor[layers];
        _values = new Tensor[layers];
        var shape = new Shape(sequences, kvHeads, capacity, headDim);
        for (int l = 0; l < layers; l++)
        {
            _keys[l] = backend.Allocate(DType.F32, shape);
            _values[l] = backend.Allocate(DType.F32, shape);
        }
        _sequences = new KvCache[sequences];
        for (int s = 0; s < sequences; s++) _sequences[s] = new KvCache(this, s);
    }

    public int Layers { get; }

    public int KvHeads { get; }

    public int HeadDim { get; }

    /// <summary>Positions each sequence may hold.</summary>
    public int Capacity { get; }

    /// <summary>The sequences (slots) of the batch, each an <see cref="Generation.IKvCache"/> of its own.</summary>
    public IReadOnlyList<KvCache> Sequences => _sequences;

    public KvCache this[int sequence] => _sequences[sequence];

    /// <summary>Bytes one sequence holds per position across all layers: keys and values of every kv head.</summary>
    public long BytesPerToken => 2L * Layers * KvHeads * HeadDim * sizeof(float);

    /// <summary>Whether the storage has been released (a model refuses to run on it).</summary>
    public bool IsDisposed => _disposed;

    /// <summary>[sequences, kv_heads, capacity, head_dim] rotated keys of <paramref name="layer"/>.</summary>
    public Tensor Keys(int layer) => _keys[layer];

    /// <summary>[sequences, kv_heads, capacity, head_dim] values of <paramref name="layer"/>.</summary>
    public Tensor Values(int layer) => _values[layer];

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        for (int l = 0; l < Layers; l++)
        {
            _keys[l].Storage.Dispose();
            _values[l].Storage.Dispose();
        }
    }
}
