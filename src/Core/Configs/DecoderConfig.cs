namespace DeepSeek.Sdk.Configs;

/// <summary>What every decoder-only language model config shares (the field names of transformers'
/// LlamaConfig, which Qwen2 and DeepSeek reuse).</summary>
public abstract record DecoderConfig : ModelConfig
{
    private protected DecoderConfig(ConfigJson json, string modelType, int? headDim = null)
        : base(modelType, json.FilePath, ReadQuantization(json), json.Limits)
    {
        var limits = json.Limits;
        VocabSize = json.Size("vocab_size", limits.VocabularySize);
        HiddenSize = json.Size("hidden_size", limits.HiddenSize);
        IntermediateSize = json.Size("intermediate_size", limits.IntermediateSize);
        NumHiddenLayers = json.Size("num_hidden_layers", limits.Layers);
        NumAttentionHeads = json.Size("num_attention_heads", limits.Heads);
        NumKeyValueHeads = json.Size("num_key_value_heads", NumAttentionHeads, limits.Heads);
        if (NumAttentionHeads % NumKeyValueHeads != 0)
            throw json.Error("num_key_value_heads", $"{NumKeyValueHeads} does not divide num_attention_heads {NumAttentionHeads}");
        if (headDim is { } fixedHeadDim) HeadDim = fixedHeadDim;
        else if (json.Has("head_dim")) HeadDim = json.Size("head_dim", limits.HeadDim);
        else if (HiddenSize % NumAttentionHeads != 0)
            throw json.Error("num_attention_heads", $"{NumAttentionHeads} does not divide hidden_size {HiddenSize} and no head_dim is given");
        else HeadDim = json.Bounded("num_attention_heads", HiddenSize / NumAttentionHeads, limits.HeadDim, "hidden_size / num_attention_heads");
        // q_proj and o_proj are [heads · head_dim, hidden] and its transpose; the product is checked in 64 bits.
        json.Bounded("num_attention_heads", (long)NumAttentionHeads * HeadDim, limits.IntermediateSize, "num_attention_heads × head_dim");
        MaxPositionEmbeddings = json.Size("max_position_embeddings", 2048, limits.PositionEmbeddings);
        RmsNormEps = json.Epsilon("rms_norm_eps", 1e-6);
        (RopeTheta, RopeScaling) = RopeScalingReader.Read(json, MaxPositionEmbeddings);
        HiddenAct = json.String("hidden_act") ?? "silu";
        TieWordEmbeddings = json.Bool("tie_word_embeddings", false);
        BosTokenId = json.NullableInt("bos_token_id");
        EosTokenIds = json.IntOrIntList("eos_token_id");
        PadTokenId = json.NullableInt("pad_token_id");
        foreach (int id in EosTokenIds)
            if (id < 0 || id >= VocabSize) throw json.Error("eos_token_id", $"{id} is outside the vocabulary of {VocabSize}");
        if (BosTokenId is { } bos && (bos < 0 || bos >= VocabSize))
            throw json.Error("bos_token_id", $"{bos} is outside the vocabulary of {VocabSize}");
        DeclaredDType = ReadTorchDType(json);
    }

    public int VocabSize { get; init; }

    public int HiddenSize { get; init; }

    /// <summary>Width of the dense (SwiGLU) MLP.</summary>
    public int IntermediateSize { get; init; }

    public int NumHiddenLayers { get; init; }

    public int NumAttentionHeads { get; init; }

    /// <summary>Grouped-query attention: heads that share one key/value head are NumAttentionHeads / NumKeyValueHeads.</summary>
    public int NumKeyValueHeads { get; init; }

    /// <summary>Per-head width of queries and keys (head_dim when given, else hidden_size / num_attention_heads).</summary>
    public int HeadDim { get; init; }

    public int MaxPositionEmbeddings { get; init; }

    public double RmsNormEps { get; init; }

    public double RopeTheta { get; init; }

    public RopeScaling RopeScaling { get; init; }

    public string HiddenAct { get; init; }

    /// <summary>When true, the output projection reuses embed_tokens and lm_head.weight may be absent.</summary>
    public bool TieWordEmbeddings { get; init; }

    public int? BosTokenId { get; init; }

    /// <summary>eos_token_id as a list (configs give one id or several, e.g. Llama-3.1's three).</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; }

    public int? PadTokenId { get; init; }

    /// <summary>embed_tokens, per-layer norms, final norm and lm_head around <paramref name="addLayer"/>.</summary>
    private protected void AddDecoder(TensorLayoutBuilder layout, string modelPrefix, string lmHeadName, Action<TensorLayoutBuilder, string, int> addLayer)
    {
        layout.Add(modelPrefix + "embed_tokens.weight", VocabSize, HiddenSize);
        for (int i = 0; i < NumHiddenLayers; i++)
        {
            string layer = $"{modelPrefix}layers.{i}.";
            layout.Norm(layer + "input_layernorm", HiddenSize);
            layout.Norm(layer + "post_attention_layernorm", HiddenSize);
            addLayer(layout, layer, i);
        }
        layout.Norm(modelPrefix + "norm", HiddenSize);
        if (TieWordEmbeddings) layout.AddOptional(lmHeadName, VocabSize, HiddenSize);
        else layout.Add(lmHeadName, VocabSize, HiddenSize);
    }

    /// <summary>The SwiGLU MLP of Llama/Qwen2/DeepSeek: gate_proj and up_proj [width, hidden], down_proj [hidden, width].</summary>
    private protected static void AddSwiGlu(TensorLayoutBuilder layout, string prefix, int hidden, int width, bool bias = false)
    {
        layout.Linear(prefix + "gate_proj", width, hidden, bias);
        layout.Linear(prefix + "up_proj", width, hidden, bias);
        layout.Linear(prefix + "down_proj", hidden, width, bias);
    }
}
