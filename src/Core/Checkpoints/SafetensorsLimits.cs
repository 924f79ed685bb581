namespace DeepSeek.Sdk.Checkpoints;

/// <summary>Bounds on what a safetensors header may ask the reader to build, so that a hostile file is refused in
/// bounded time and memory instead of being parsed into millions of objects. The defaults let every published
/// checkpoint through with a wide margin.</summary>
public sealed record SafetensorsLimits
{
    public static SafetensorsLimits Default { get; } = new();

    /// <summary>The largest JSON header, in bytes. 100 MB is the reference library's own bound
    /// (huggingface/safetensors, tensor.rs MAX_HEADER_SIZE); a DeepSeek-V3 shard's header is under 200 KB.</summary>
    public long MaxHeaderBytes { get; init; } = SafetensorsHeader.MaxHeaderLength;

    /// <summary>The largest <c>model.safetensors.index.json</c>, in bytes (DeepSeek-V3's, listing about 95,000
    /// tensors, is about 9 MB).</summary>
    public long MaxIndexBytes { get; init; } = 100_000_000;

    /// <summary>The most tensors one file may declare, and an index may list. All of DeepSeek-V3 (671B, 256 experts in
    /// each of 61 layers, FP8 scales included) is about 95,000 tensors, and the largest MoE of its kind (384 experts)
    /// about 140,000, so either would fit in a single file more than three times over. A 94 MB header of 1.7 million
    /// empty tensors is refused at this bound after about 1 s of CPU and 140 MB allocated.</summary>
    public int MaxTensors { get; init; } = 500_000;

    /// <summary>The most dimensions a tensor may have. Weights have at most five (a 3-D convolution kernel).</summary>
    public int MaxRank { get; init; } = 8;

    /// <summary>The most <c>__metadata__</c> entries (usually one, <c>{"format": "pt"}</c>; training tools write a
    /// few dozen).</summary>
    public int MaxMetadataEntries { get; init; } = 10_000;
}
