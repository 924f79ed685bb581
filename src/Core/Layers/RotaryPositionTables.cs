using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Layers;

/// <summary>A model's rotary cos/sin tables on its backend, shared by all its attention layers and covering the
/// positions its caches can hold rather than max_position_embeddings: a config may declare millions of positions
/// (DeepSeek-V3: 163840; some models a million), and tabulating them all up front costs gigabytes and minutes before
/// the first token, for a context nobody asked for. The model calls <see cref="EnsurePositions"/> when it creates a
/// cache (and before a step that reaches further); the tables then grow to at least twice their length, up to
/// <see cref="MaxPositions"/>. Each row depends on its position alone (<see cref="RotaryEmbedding.BuildTables"/>), so
/// growing changes no value a step reads.</summary>
public sealed class RotaryPositionTables
{
    /// <summary>Positions tabulated at first, before any cache asks for more.</summary>
    public const int InitialPositions = 256;

    private readonly IBackend _backend;
    private readonly Lock _growth = new();
    private Snapshot _current;

    /// <param name="maxPositions">The most positions a cache of the model may hold (max_position_embeddings).</param>
    public RotaryPositionTables(IBackend backend, RotaryEmbedding embedding, int maxPositions)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(embedding);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPositions);
        _backend = backend;
        Embedding = embedding;
        MaxPositions = maxPositions;
        _current = Build(Math.Min(InitialPositions, maxPositions));
    }

    public RotaryEmbedding Embedding { get; }

    /// <summary>Rotated features per head; the tables are [positions, RotaryDim / 2].</summary>
    public int RotaryDim => Embedding.RotaryDim;

    public int MaxPositions { get; }

    /// <summary>Positions the tables cover now.</summary>
    public int Positions => Volatile.Read(ref _current).Positions;

    /// <summary>The current tables with <paramref name="layout"/>, as <see cref="IBackend.ApplyRotary"/> and attention
    /// take them. Cos and sin come from one snapshot, so a concurrent growth never pairs tables of two lengths; the
    /// record is kept, so a decode step allocates nothing here.</summary>
    public RotaryTables For(RotaryLayout layout)
    {
        var current = Volatile.Read(ref _current);
        return layout == RotaryLayout.Interleaved ? current.Interleaved : current.HalfSplit;
    }

    /// <summary>Makes the tables cover positions 0..<paramref name="positions"/> - 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">More than <see cref="MaxPositions"/>.</exception>
    public void EnsurePositions(int positions)
    {
        if (positions <= Volatile.Read(ref _current).Positions) return;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(positions, MaxPositions);
        lock (_growth)
        {
            int have = _current.Positions;
            if (positions <= have) return;
            // Doubling keeps the rebuilds of a growing context logarithmic in its length.
            int length = (int)Math.Min(MaxPositions, Math.Max(positions, 2L * have));
            // The previous tables are dropped, not disposed: a step queued on another thread may still read them,
            // and the backend reclaims them once nothing does.
            Volatile.Write(ref _current, Build(length));
        }
    }

    private Snapshot Build(int positions)
    {
        var (hostCos, hostSin) = Embedding.BuildTables(positions);
        var cos = _backend.Upload(hostCos);
        var sin = _backend.Upload(hostSin);
        return new Snapshot(positions, new RotaryTables(cos, sin, RotaryLayout.HalfSplit), new RotaryTables(cos, sin, RotaryLayout.Interleaved));
    }

    private sealed record Snapshot(int Positions, RotaryTables HalfSplit, RotaryTables Interleaved);
}
