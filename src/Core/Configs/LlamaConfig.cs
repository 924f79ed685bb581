namespace DeepSeek.Sdk.Configs;

/// <summary>transformers' LlamaConfig (<c>model_type: llama</c>): the DeepSeek-R1-Distill-Llama base and Janus's
/// language model. Grouped-query attention, optional q/k/v/o and MLP biases, Llama-3 rope scaling.</summary>
public sealed record LlamaConfig : DecoderConfig
{
    private LlamaConfig(ConfigJson json)
        : base(json, "llama")
    {
        AttentionBias = json.Bool("attention_bias", false);
        MlpBias = json.Bool("mlp_bias", false);
    }

    /// <summary>Bias on q_proj, k_proj, v_proj and o_proj (modeling_llama LlamaAttention).</summary>
    public bool AttentionBias { get; init; }

    /// <summary>Bias on gate_proj, up_proj and down_proj.</summary>
    public bool MlpBias { get; init; }

    internal static LlamaConfig Read(ConfigJson json)
    {
        string? type = json.String("model_type");
        if (type is not null && type != "llama")
            throw json.Error("model_type", $"'{type}' where a llama config is expected");
        return new LlamaConfig(json);
    }

    public override IReadOnlyList<ExpectedTensor> ExpectedTensors()
    {
        var layout = new TensorLayoutBuilder(this);
        AddTensors(layout, "model.", "lm_head.weight", TieWordEmbeddings);
        return layout.Build();
    }

    /// <summary>The layout under another prefix (Janus keeps its Llama under <c>model.language_model.</c>).</summary>
    internal void AddTensors(TensorLayoutBuilder layout, string modelPrefix, string lmHeadName, bool tied)
    {
        var config = this with { TieWordEmbeddings = tied };
        config.AddDecoder(layout, modelPrefix, lmHeadName, config.AddLayer);
    }

    private void AddLayer(TensorLayoutBuilder layout, string layer, int index)
    {
        string attn = layer + "self_attn.";
        layout.Linear(attn + "q_proj", NumAttentionHeads * HeadDim, HiddenSize, AttentionBias);
        layout.Linear(attn + "k_proj", NumKeyValueHeads * HeadDim, HiddenSize, AttentionBias);
        layout.Linear(attn + "v_proj", NumKeyValueHeads * HeadDim, HiddenSize, AttentionBias);
        layout.Linear(attn + "o_proj", HiddenSize, NumAttentionHeads * HeadDim, AttentionBias);
        AddSwiGlu(layout, layer + "mlp.", HiddenSize, IntermediateSize, MlpBias);
    }
}
