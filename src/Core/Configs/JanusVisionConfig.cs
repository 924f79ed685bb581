namespace DeepSeek.Sdk.Configs;

/// <summary>Janus's understanding encoder (SigLIP ViT) and its aligner MLP: transformers' JanusVisionConfig
/// (<c>vision_config</c>), defaults from configuration_janus.py (Janus-Pro-1B).</summary>
public sealed record JanusVisionConfig
{
    public int HiddenSize { get; init; } = 1024;

    public int NumHiddenLayers { get; init; } = 24;

    public int NumAttentionHeads { get; init; } = 16;

    public int NumChannels { get; init; } = 3;

    public int PatchSize { get; init; } = 16;

    public int ImageSize { get; init; } = 384;

    public double LayerNormEps { get; init; } = 1e-6;

    public string HiddenAct { get; init; } = "gelu";

    /// <summary>fc1 width = int(hidden_size * mlp_ratio).</summary>
    public double MlpRatio { get; init; } = 4.0;

    /// <summary>Bias on q_proj, k_proj, v_proj (projection_layer always has one).</summary>
    public bool AttentionBias { get; init; } = true;

    /// <summary>Output width of the aligner, which must be the language model's hidden size.</summary>
    public int ProjectionDim { get; init; } = 2048;

    public bool UseQkNorm { get; init; }

    /// <summary>Aligner depth: fc1 then depth - 1 hidden layers.</summary>
    public int Depth { get; init; } = 2;

    public int NumImageTokens { get; init; } = 576;

    public int PatchesPerSide => ImageSize / PatchSize;

    public int MlpWidth => (int)(HiddenSize * MlpRatio);

    internal static JanusVisionConfig Read(ConfigJson json)
    {
        var d = new JanusVisionConfig();
        var limits = json.Limits;
        var config = new JanusVisionConfig
        {
            HiddenSize = json.Size("hidden_size", d.HiddenSize, limits.HiddenSize),
            NumHiddenLayers = json.Size("num_hidden_layers", d.NumHiddenLayers, limits.Layers),
            NumAttentionHeads = json.Size("num_attention_heads", d.NumAttentionHeads, limits.Heads),
            NumChannels = json.Size("num_channels", d.NumChannels, limits.HiddenSize),
            PatchSize = json.Size("patch_size", d.PatchSize, limits.ImageSize),
            ImageSize = json.Size("image_size", d.ImageSize, limits.ImageSize),
            LayerNormEps = json.Epsilon("layer_norm_eps", d.LayerNormEps),
            HiddenAct = json.String("hidden_act") ?? d.HiddenAct,
            MlpRatio = json.Double("mlp_ratio", d.MlpRatio),
            AttentionBias = json.Bool("attention_bias", d.AttentionBias),
            ProjectionDim = json.Size("projection_dim", d.ProjectionDim, limits.HiddenSize),
            UseQkNorm = json.Bool("use_qk_norm", d.UseQkNorm),
            Depth = json.Size("depth", d.Depth, limits.Layers),
            NumImageTokens = json.Size("num_image_tokens", d.NumImageTokens, limits.ImageTokens),
        };
        if (config.HiddenSize % config.NumAttentionHeads != 0)
            throw json.Error("num_attention_heads", $"{config.NumAttentionHeads} does not divide hidden_size {config.HiddenSize}");
        json.Bounded("num_attention_heads", config.HiddenSize / config.NumAttentionHeads, limits.HeadDim, "hidden_size / num_attention_heads");
        if (config.ImageSize % config.PatchSize != 0)
            throw json.Error("patch_size", $"{config.PatchSize} does not divide image_size {config.ImageSize}");
        // Both are bounded by MaxImageSize, so the square cannot overflow.
        int patches = config.PatchesPerSide * config.PatchesPerSide;
        if (config.NumImageTokens != patches)
            throw json.Error("num_image_tokens", $"{config.NumImageTokens} contradicts (image_size / patch_size)^2 = {patches}");
        // int(hidden_size * mlp_ratio) is fc1's width: checked as a double before the cast can wrap.
        if (!(config.MlpRatio > 0) || !(config.HiddenSize * config.MlpRatio >= 1))
            throw json.Error("mlp_ratio", $"must give fc1 at least one feature (hidden_size × mlp_ratio ≥ 1), got {config.MlpRatio}");
        if (config.HiddenSize * config.MlpRatio > limits.MaxIntermediateSize)
            throw json.Error("mlp_ratio", $"hidden_size × mlp_ratio = {config.HiddenSize * config.MlpRatio} exceeds the limit {limits.IntermediateSize}");
        return config;
    }

    /// <summary>Tensors of JanusVisionModel and JanusVisionAlignerMLP (modeling_janus.py).</summary>
    internal void AddTensors(TensorLayoutBuilder layout, string visionPrefix, string alignerPrefix)
    {
        int h = HiddenSize;
        layout.Conv2d(visionPrefix + "embeddings.patch_embedding", h, NumChannels, PatchSize);
        layout.Add(visionPrefix + "embeddings.position_embedding.weight", PatchesPerSide * PatchesPerSide, h);
        for (int i = 0; i < NumHiddenLayers; i++)
        {
            string layer = $"{visionPrefix}encoder.layers.{i}.";
            layout.Norm(layer + "layer_norm1", h, bias: true);
            layout.Norm(layer + "layer_norm2", h, bias: true);
            layout.Linear(layer + "self_attn.q_proj", h, h, AttentionBias, quantizable: false);
            layout.Linear(layer + "self_attn.k_proj", h, h, AttentionBias, quantizable: false);
            layout.Linear(layer + "self_attn.v_proj", h, h, AttentionBias, quantizable: false);
            layout.Linear(layer + "self_attn.projection_layer", h, h, bias: true, quantizable: false);
            if (UseQkNorm)
            {
                layout.Norm(layer + "self_attn.q_norm", h, bias: true);
                layout.Norm(layer + "self_attn.k_norm", h, bias: true);
            }
            layout.Linear(layer + "mlp.fc1", MlpWidth, h, bias: true, quantizable: false);
            layout.Linear(layer + "mlp.fc2", h, MlpWidth, bias: true, quantizable: false);
        }
        layout.Norm(visionPrefix + "post_layernorm", h, bias: true);

        layout.Linear(alignerPrefix + "fc1", ProjectionDim, h, bias: true, quantizable: false);
        for (int i = 0; i < Depth - 1; i++)
            layout.Linear($"{alignerPrefix}hidden_layers.{i}", ProjectionDim, ProjectionDim, bias: true, quantizable: false);
    }
}
