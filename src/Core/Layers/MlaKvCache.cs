using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Layers;

/// <summary>The attention state of one sequence for multi-head latent attention: per layer and position only the
/// normalized latent c_KV (kv_lora_rank) and the rotated shared key k_rope (qk_rope_head_dim), in F32, which is
/// what makes MLA's cache small (DeepSeek-V2 §2.1.2, Table 1: (d_c + d_h^R) · l elements per token).</summary>
public sealed class MlaKvCache : IKvCache
{
    private readonly Tensor[] _latents;
    private readonly Tensor[] _ropeKeys;
    private bool _disposed;

    public MlaKvCache(IBackend backend, int layers, int latentRank, int ropeDim, int capacity)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(layers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(latentRank);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ropeDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Layers = layers;
        LatentRank = latentRank;
        RopeDim = ropeDim;
        Capacity = capacity;
        _latents = new Tensor[layers];
        _ropeKeys = new Tensor[layers];
        for (int l = 0; l < layers; l++)
        {
            _latents[l] = backend.Allocate(DType.F32, new Shape(capacity, latentRank));
            _ropeKeys[l] = backend.Allocate(DType.F32, new Shape(capacity, ropeDim));
        }
    }

    public int Layers { get; }

    public int LatentRank { get; }

    public int RopeDim { get; }

    public int Length { get; private set; }

    public int Capacity { get; }

    public long BytesPerToken => (long)Layers * (LatentRank + RopeDim) * sizeof(float);

    /// <summary>[Capacity, kv_lora_rank] latents of <paramref name="layer"/>; rows 0..Length-1 are filled.</summary>
    public Tensor Latents(int layer) => _latents[layer];

    /// <summary>[Capacity, qk_rope_head_dim] rotated keys of <paramref name="layer"/>.</summary>
    public Tensor RopeKeys(int layer) => _ropeKeys[layer];

    /// <summary>Marks <paramref name="count"/> more positions as filled, after every layer has written them.</summary>
    public void Advance(int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
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
        if (_disposed) return;
        _disposed = true;
        for (int l = 0; l < Layers; l++)
        {
            _latents[l].Storage.Dispose();
            _ropeKeys[l].Storage.Dispose();
        }
    }
}
