namespace DeepSeek.Sdk.Configs;

/// <summary>Bounds on the sizes a config.json (and a preprocessor_config.json) may declare, checked while it is read
/// and before anything is built from it: a config is a stranger's file, and its numbers size the lists, tables and
/// buffers made before the weights can contradict it. A value above its bound is a <see cref="ConfigException"/>
/// naming the file, the field and the option here (e.g. "(ConfigLimits.MaxLayers = 1024)"); products of sizes are
/// computed in 64 bits and held to the same bounds, so none can overflow.</summary>
/// <remarks>The defaults let every published model of the supported architectures through with a wide margin
/// (DeepSeek-V3/R1 671B: 61 layers, hidden 7168, 128 heads, 256 experts, 163840 positions; Llama-3.1 405B: 126 layers,
/// intermediate 53248; Qwen2.5-72B: vocabulary 152064; Janus-Pro: 384-pixel images, 576 image tokens, 16384 codes).
/// A caller who trusts a larger model raises the bound it names.</remarks>
public sealed record ConfigLimits
{
    /// <summary>The bounds used when a caller passes none.</summary>
    public static ConfigLimits Default { get; } = new();

    /// <summary>num_hidden_layers of any stack (decoder, vision encoder, aligners, VQ residual blocks). Llama-3.1-405B
    /// has 126.</summary>
    public int MaxLayers { get; init; } = 1024;

    /// <summary>hidden_size and the other residual-stream widths (low-rank query/key-value ranks, vision and
    /// projection widths, VQ channel counts). DeepSeek-V3 has 7168, Llama-3.1-405B 16384.</summary>
    public int MaxHiddenSize { get; init; } = 65536;

    /// <summary>The width of any feed-forward or attention projection: intermediate_size, moe_intermediate_size times
    /// n_shared_experts, num_attention_heads times head_dim. Llama-3.1-405B's intermediate_size is 53248.</summary>
    public int MaxIntermediateSize { get; init; } = 262144;

    /// <summary>num_attention_heads and num_key_value_heads. DeepSeek-V3 and Llama-3.1-405B have 128.</summary>
    public int MaxHeads { get; init; } = 1024;

    /// <summary>Per-head widths: head_dim, qk_nope_head_dim, qk_rope_head_dim, v_head_dim. DeepSeek-V3's query head is
    /// 192 wide.</summary>
    public int MaxHeadDim { get; init; } = 1024;

    /// <summary>n_routed_experts and n_shared_experts. DeepSeek-V3 routes over 256; the largest published
    /// DeepSeek-V3-architecture model (Kimi-K2) over 384.</summary>
    public int MaxExperts { get; init; } = 4096;

    /// <summary>vocab_size and a VQ codebook's size. Gemma's 262144 is the largest common vocabulary.</summary>
    public int MaxVocabularySize { get; init; } = 1 << 22;

    /// <summary>max_position_embeddings and rope_scaling.original_max_position_embeddings. DeepSeek-V3 has 163840;
    /// models of a million positions exist. Rotary tables and caches are sized to the context actually requested,
    /// not to this.</summary>
    public int MaxPositionEmbeddings { get; init; } = 1 << 24;

    /// <summary>The side in pixels of an image a vision tower reads or a VQ decoder writes, and of the preprocessor's
    /// square. Janus uses 384.</summary>
    public int MaxImageSize { get; init; } = 2048;

    /// <summary>Tokens per image: num_image_tokens ((image_size / patch_size)²) and the VQ token grid. Janus uses 576.</summary>
    public int MaxImageTokens { get; init; } = 16384;

    /// <summary>Tensors an architecture expects in its checkpoint, counted before they are listed. DeepSeek-V3's FP8
    /// release has about 92,000 (with weight_scale_inv).</summary>
    public int MaxTensors { get; init; } = 1 << 20;

    internal ConfigLimit Layers => new(nameof(MaxLayers), MaxLayers);

    internal ConfigLimit HiddenSize => new(nameof(MaxHiddenSize), MaxHiddenSize);

    internal ConfigLimit IntermediateSize => new(nameof(MaxIntermediateSize), MaxIntermediateSize);

    internal ConfigLimit Heads => new(nameof(MaxHeads), MaxHeads);

    internal ConfigLimit HeadDim => new(nameof(MaxHeadDim), MaxHeadDim);

    internal ConfigLimit Experts => new(nameof(MaxExperts), MaxExperts);

    internal ConfigLimit VocabularySize => new(nameof(MaxVocabularySize), MaxVocabularySize);

    internal ConfigLimit PositionEmbeddings => new(nameof(MaxPositionEmbeddings), MaxPositionEmbeddings);

    internal ConfigLimit ImageSize => new(nameof(MaxImageSize), MaxImageSize);

    internal ConfigLimit ImageTokens => new(nameof(MaxImageTokens), MaxImageTokens);

    internal ConfigLimit Tensors => new(nameof(MaxTensors), MaxTensors);
}
