namespace DeepSeek.Sdk.Configs;

/// <summary>DeepSeek-V3 / R1 (<c>model_type: deepseek_v3</c>) and DeepSeek-V2 / V2-Lite (<c>deepseek_v2</c>):
/// multi-head latent attention (MLA, DeepSeek-V2 paper §2.1) and a mixture of experts with shared experts
/// (DeepSeekMoE). Field names and defaults follow transformers' configuration_deepseek_v3/_v2.</summary>
public sealed record DeepSeekV3Config : DecoderConfig
{
    private DeepSeekV3Config(ConfigJson json, string modelType)
        : base(json, modelType, json.Size("qk_nope_head_dim", json.Limits.HeadDim) + json.Size("qk_rope_head_dim", json.Limits.HeadDim))
    {
        var limits = json.Limits;
        bool v3 = modelType == "deepseek_v3";
        QLoraRank = json.NullableSize("q_lora_rank", limits.HiddenSize);
        KvLoraRank = json.Size("kv_lora_rank", limits.HiddenSize);
        QkNopeHeadDim = json.Size("qk_nope_head_dim", limits.HeadDim);
        QkRopeHeadDim = json.Size("qk_rope_head_dim", limits.HeadDim);
        if (QkRopeHeadDim % 2 != 0) throw json.Error("qk_rope_head_dim", $"must be even (rotary pairs), got {QkRopeHeadDim}");
        VHeadDim = json.Size("v_head_dim", limits.HeadDim);
        // kv_b_proj is [heads · (nope + v), kv_lora_rank] (q_b_proj's heads · qk_head_dim is bounded by DecoderConfig).
        json.Bounded("num_attention_heads", (long)NumAttentionHeads * (QkNopeHeadDim + VHeadDim), limits.IntermediateSize,
            "num_attention_heads × (qk_nope_head_dim + v_head_dim)");
        AttentionBias = json.Bool("attention_bias", false);

        NRoutedExperts = json.NullableSize("n_routed_experts", limits.Experts);
        NSharedExperts = json.Int("n_shared_experts", 0);
        if (NSharedExperts < 0) throw json.Error("n_shared_experts", $"must not be negative, got {NSharedExperts}");
        json.Bounded("n_shared_experts", NSharedExperts, limits.Experts);
        MoeIntermediateSize = json.Size("moe_intermediate_size", IntermediateSize, limits.IntermediateSize);
        // The shared experts run as one MLP of moe_intermediate_size · n_shared_experts (DeepseekV3MoE).
        json.Bounded("n_shared_experts", (long)MoeIntermediateSize * NSharedExperts, limits.IntermediateSize, "moe_intermediate_size × n_shared_experts");
        NumExpertsPerTok = json.Int("num_experts_per_tok", NRoutedExperts is null ? 0 : 1);
        NGroup = json.Size("n_group", 1, limits.Experts);
        TopkGroup = json.PositiveInt("topk_group", 1);
        TopkMethod = json.String("topk_method") ?? (v3 ? "noaux_tc" : "greedy");
        ScoringFunc = json.String("scoring_func") ?? (v3 ? "sigmoid" : "softmax");
        NormTopkProb = json.Bool("norm_topk_prob", v3);
        RoutedScalingFactor = json.Double("routed_scaling_factor", 1.0);
        if (!(RoutedScalingFactor > 0) || !float.IsFinite((float)RoutedScalingFactor))
            throw json.Error("routed_scaling_factor", $"must be positive and finite in float32, got {RoutedScalingFactor}");
        FirstKDenseReplace = json.Int("first_k_dense_replace", 0);
        MoeLayerFreq = json.PositiveInt("moe_layer_freq", 1);
        NumNextnPredictLayers = json.Int("num_nextn_predict_layers", 0);

        if (TopkMethod is not ("noaux_tc" or "greedy" or "group_limited_greedy"))
            throw json.Error("topk_method", $"'{TopkMethod}' is not supported; supported: noaux_tc, greedy, group_limited_greedy");
        if (ScoringFunc is not ("sigmoid" or "softmax"))
            throw json.Error("scoring_func", $"'{ScoringFunc}' is not supported; supported: sigmoid, softmax");
        if (FirstKDenseReplace < 0) throw json.Error("first_k_dense_replace", $"must not be negative, got {FirstKDenseReplace}");
        if (NumNextnPredictLayers < 0) throw json.Error("num_nextn_predict_layers", $"must not be negative, got {NumNextnPredictLayers}");
        json.Bounded("num_nextn_predict_layers", NumNextnPredictLayers, limits.Layers);
        if (NRoutedExperts is { } experts)
        {
            if (NumExpertsPerTok <= 0 || NumExpertsPerTok > experts)
                throw json.Error("num_experts_per_tok", $"must be in 1..n_routed_experts ({experts}), got {NumExpertsPerTok}");
            if (experts % NGroup != 0)
                throw json.Error("n_group", $"{NGroup} does not divide n_routed_experts {experts}");
            if (TopkGroup > NGroup)
                throw json.Error("topk_group", $"{TopkGroup} exceeds n_group {NGroup}");
            // Group-limited routing must leave at least num_experts_per_tok candidates (DeepSeek-V3 MoEGate).
            if (TopkMethod != "greedy" && TopkGroup * (experts / NGroup) < NumExpertsPerTok)
                throw json.Error("topk_group", $"{TopkGroup} groups of {experts / NGroup} experts cannot supply num_experts_per_tok {NumExpertsPerTok}");
            // Every MoE layer lists three projections per expert (two tensors each when FP8): bound the list before
            // anything builds it.
            int moeLayers = 0;
            for (int i = 0; i < NumHiddenLayers; i++)
                if (IsMoeLayer(i)) moeLayers++;
            long expertTensors = (long)moeLayers * experts * 3 * (Quantization is null ? 1 : 2);
            json.Bounded("n_routed_experts", expertTensors, limits.Tensors, $"{moeLayers} MoE layers × {experts} experts × {3 * (Quantization is null ? 1 : 2)} tensors");
        }
    }

    /// <summary>Rank of the query down-projection; null means queries use a plain q_proj (DeepSeek-V2-Lite).</summary>
    public int? QLoraRank { get; init; }

    /// <summary>Width of the compressed key/value latent c_KV, the thing MLA caches.</summary>
    public int KvLoraRank { get; init; }

    public int QkNopeHeadDim { get; init; }

    /// <summary>Decoupled rotary part of each query/key head (shared across heads for keys).</summary>
    public int QkRopeHeadDim { get; init; }

    public int VHeadDim { get; init; }

    /// <summary>Bias on q_a_proj, kv_a_proj_with_mqa and o_proj (modeling_deepseek_v3 DeepseekV3Attention).</summary>
    public bool AttentionBias { get; init; }

    /// <summary>Null for a dense model.</summary>
    public int? NRoutedExperts { get; init; }

    public int NSharedExperts { get; init; }

    public int MoeIntermediateSize { get; init; }

    public int NumExpertsPerTok { get; init; }

    public int NGroup { get; init; }

    public int TopkGroup { get; init; }

    /// <summary>"noaux_tc" (V3: sigmoid scores + e_score_correction_bias for selection), "greedy" or "group_limited_greedy" (V2).</summary>
    public string TopkMethod { get; init; }

    public string ScoringFunc { get; init; }

    public bool NormTopkProb { get; init; }

    public double RoutedScalingFactor { get; init; }

    /// <summary>Layers below this index use the dense MLP.</summary>
    public int FirstKDenseReplace { get; init; }

    public int MoeLayerFreq { get; init; }

    /// <summary>Multi-token-prediction modules stored after the last layer (DeepSeek-V3 §2.2); unused by inference.</summary>
    public int NumNextnPredictLayers { get; init; }

    public int QkHeadDim => QkNopeHeadDim + QkRopeHeadDim;

    /// <summary>Whether layer <paramref name="index"/> is a mixture of experts, by the rule of DeepSeek's
    /// modeling code: experts exist, the layer is past first_k_dense_replace, and it falls on moe_layer_freq.</summary>
    public bool IsMoeLayer(int index) =>
        NRoutedExperts is not null && index >= FirstKDenseReplace && index % MoeLayerFreq == 0;

    internal static DeepSeekV3Config Read(ConfigJson json, string modelType) => new(json, modelType);

    public override IReadOnlyList<ExpectedTensor> ExpectedTensors()
    {
        var layout = new TensorLayoutBuilder(this);
        AddDecoder(layout, "model.", "lm_head.weight", AddLayer);
        return layout.Build();
    }

    /// <summary>Layers num_hidden_layers .. num_hidden_layers + num_nextn_predict_layers - 1 hold the MTP modules.</summary>
    public override bool IsAllowedExtra(string tensorName)
    {
        const string prefix = "model.layers.";
        if (!tensorName.StartsWith(prefix, StringComparison.Ordinal)) return false;
        int dot = tensorName.IndexOf('.', prefix.Length);
        return dot > prefix.Length
            && int.TryParse(tensorName.AsSpan(prefix.Length, dot - prefix.Length), System.Globalization.NumberStyles.None, null, out int layer)
            && layer >= NumHiddenLayers && layer < NumHiddenLayers + NumNextnPredictLayers;
    }

    private void AddLayer(TensorLayoutBuilder layout, string layer, int index)
    {
        string attn = layer + "self_attn.";
        int heads = NumAttentionHeads;
        if (QLoraRank is { } qRank)
        {
            layout.Linear(attn + "q_a_proj", qRank, HiddenSize, AttentionBias);
            layout.Norm(attn + "q_a_layernorm", qRank);
            layout.Linear(attn + "q_b_proj", heads * QkHeadDim, qRank);
        }
        else
        {
            layout.Linear(attn + "q_proj", heads * QkHeadDim, HiddenSize);
        }
        layout.Linear(attn + "kv_a_proj_with_mqa", KvLoraRank + QkRopeHeadDim, HiddenSize, AttentionBias);
        layout.Norm(attn + "kv_a_layernorm", KvLoraRank);
        layout.Linear(attn + "kv_b_proj", heads * (QkNopeHeadDim + VHeadDim), KvLoraRank);
        layout.Linear(attn + "o_proj", HiddenSize, heads * VHeadDim, AttentionBias);

        string mlp = layer + "mlp.";
        if (!IsMoeLayer(index))
        {
            AddSwiGlu(layout, mlp, HiddenSize, IntermediateSize);
            return;
        }
        int experts = NRoutedExperts!.Value;
        // The router stays in high precision in the FP8 release; so does its correction bias (F32).
        layout.Linear(mlp + "gate", experts, HiddenSize, quantizable: false);
        if (TopkMethod == "noaux_tc") layout.Add(mlp + "gate.e_score_correction_bias", experts);
        for (int e = 0; e < experts; e++)
            AddSwiGlu(layout, $"{mlp}experts.{e}.", HiddenSize, MoeIntermediateSize);
        if (NSharedExperts > 0)
            AddSwiGlu(layout, mlp + "shared_experts.", HiddenSize, MoeIntermediateSize * NSharedExperts);
    }
}
