namespace DeepSeek.Sdk.Configs;

/// <summary>transformers' Qwen2Config (<c>model_type: qwen2</c>): the DeepSeek-R1-Distill-Qwen base. Like Llama
/// with grouped-query attention, but q_proj, k_proj and v_proj always carry a bias and o_proj never does
/// (modeling_qwen2 Qwen2Attention).</summary>
public sealed record Qwen2Config : DecoderConfig
{
    private Qwen2Config(ConfigJson json)
        : base(json, "qwen2")
    {
        UseSlidingWindow = json.Bool("use_sliding_window", false);
        SlidingWindow = json.NullableInt("sliding_window");
        MaxWindowLayers = json.Int("max_window_layers", NumHiddenLayers);
        if (UseSlidingWindow && SlidingWindow is not > 0)
            throw json.Error("sliding_window", "must be a positive integer when use_sliding_window is true");
        if (SlidingWindow is { } window) json.Bounded("sliding_window", window, json.Limits.PositionEmbeddings);
        if (MaxWindowLayers < 0) throw json.Error("max_window_layers", $"must not be negative, got {MaxWindowLayers}");
    }

    public bool UseSlidingWindow { get; init; }

    public int? SlidingWindow { get; init; }

    /// <summary>Layers from this index on use the sliding window (when enabled).</summary>
    public int MaxWindowLayers { get; init; }

    internal static Qwen2Config Read(ConfigJson json) => new(json);

    public override IReadOnlyList<ExpectedTensor> ExpectedTensors()
    {
        var layout = new TensorLayoutBuilder(this);
        AddDecoder(layout, "model.", "lm_head.weight", AddLayer);
        return layout.Build();
    }

    private void AddLayer(TensorLayoutBuilder layout, string layer, int index)
    {
        string attn = layer + "self_attn.";
        layout.Linear(attn + "q_proj", NumAttentionHeads * HeadDim, HiddenSize, bias: true);
        layout.Linear(attn + "k_proj", NumKeyValueHeads * HeadDim, HiddenSize, bias: true);
        layout.Linear(attn + "v_proj", NumKeyValueHeads * HeadDim, HiddenSize, bias: true);
        layout.Linear(attn + "o_proj", HiddenSize, NumAttentionHeads * HeadDim);
        AddSwiGlu(layout, layer + "mlp.", HiddenSize, IntermediateSize);
    }
}
