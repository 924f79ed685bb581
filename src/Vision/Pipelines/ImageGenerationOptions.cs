namespace DeepSeek.Sdk.Vision.Pipelines;

/// <summary>One text-to-image request's settings (the release's generation_inference.py generate(): temperature 1,
/// parallel_size 16, cfg_weight 5; parallel_size defaults to 1 here, since every image keeps two KV caches).</summary>
public sealed record ImageGenerationOptions
{
    /// <summary>Images generated together from the prompt, decoded as one batch of 2 · ParallelSize rows.</summary>
    public int ParallelSize { get; init; } = 1;

    /// <summary>Classifier-free guidance weight: logits = uncond + CfgWeight · (cond − uncond); 1 is unguided.</summary>
    public float CfgWeight { get; init; } = 5f;

    /// <summary>Softmax temperature of the image-token sampling; 0 takes the most likely token.</summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Keep only the K most likely image tokens; 0 (the release's choice) disables.</summary>
    public int TopK { get; init; }

    /// <summary>Seed of image i's random stream is Seed + i, so a seed reproduces a request; null draws one.</summary>
    public int? Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the setting that is out of range.</summary>
    public void Validate()
    {
        if (ParallelSize is < 1 or > 64) throw new ArgumentOutOfRangeException(nameof(ParallelSize), ParallelSize, "ParallelSize must be in 1..64.");
        if (!float.IsFinite(CfgWeight)) throw new ArgumentOutOfRangeException(nameof(CfgWeight), CfgWeight, "CfgWeight must be finite.");
        if (!float.IsFinite(Temperature) || Temperature < 0) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "Temperature must be a finite number ≥ 0.");
        if (TopK < 0) throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "TopK must be ≥ 0 (0 disables it).");
    }
}
