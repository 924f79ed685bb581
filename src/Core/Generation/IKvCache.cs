namespace DeepSeek.Sdk.Generation;

/// <summary>The per-sequence attention state of a model (keys/values, or MLA latents).</summary>
public interface IKvCache : IDisposable
{
    /// <summary>Positions already processed.</summary>
    int Length { get; }

    int Capacity { get; }

    /// <summary>Bytes the cache holds per position, across all layers.</summary>
    long BytesPerToken { get; }

    /// <summary>Forgets positions from <paramref name="length"/> on (to reuse a shared prefix).</summary>
    void Truncate(int length);
}
