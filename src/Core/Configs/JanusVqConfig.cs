namespace DeepSeek.Sdk.Configs;

/// <summary>Janus's image tokenizer for generation (a VQGAN from LlamaGen) with its generation aligner and head:
/// transformers' JanusVQVAEConfig (<c>vq_config</c>), defaults from configuration_janus.py.</summary>
public sealed record JanusVqConfig
{
    /// <summary>Width of a codebook entry.</summary>
    public int EmbedDim { get; init; } = 8;

    /// <summary>Codebook size, i.e. the image-token vocabulary.</summary>
    public int NumEmbeddings { get; init; } = 16384;

    public bool DoubleLatent { get; init; }

    public int LatentChannels { get; init; } = 256;

    /// <summary>Tokens per side of a generated image; transformers overrides it with image_size / patch_size
    /// of the vision config.</summary>
    public int NumPatches { get; init; } = 32;

    public int InChannels { get; init; } = 3;

    public int OutChannels { get; init; } = 3;

    public int BaseChannels { get; init; } = 128;

    public IReadOnlyList<int> ChannelMultiplier { get; init; } = [1, 1, 2, 2, 4];

    public int NumResBlocks { get; init; } = 2;

    /// <summary>Output width of the generation aligner and generation head's hidden layer.</summary>
    public int ProjectionDim { get; init; } = 2048;

    /// <summary>Generation aligner depth: fc1 then num_hidden_layers - 1 hidden layers.</summary>
    public int NumHiddenLayers { get; init; } = 2;

    public string HiddenAct { get; init; } = "gelu";

    /// <summary>Input width of the generation head (the language model's hidden size).</summary>
    public int ImageTokenEmbedDim { get; init; } = 2048;

    // Side in pixels of a generated image: each level but the first doubles the token grid (VqDecoder's upsampling).
    private long GeneratedImageSize => (long)NumPatches << Math.Min(ChannelMultiplier.Count - 1, 32);

    internal static JanusVqConfig Read(ConfigJson json)
    {
        var d = new JanusVqConfig();
        var limits = json.Limits;
        var config = new JanusVqConfig
        {
            EmbedDim = json.Size("embed_dim", d.EmbedDim, limits.HiddenSize),
            NumEmbeddings = json.Size("num_embeddings", d.NumEmbeddings, limits.VocabularySize),
            DoubleLatent = json.Bool("double_latent", d.DoubleLatent),
            LatentChannels = json.Size("latent_channels", d.LatentChannels, limits.HiddenSize),
            NumPatches = json.Size("num_patches", d.NumPatches, limits.ImageSize),
            InChannels = json.Size("in_channels", d.InChannels, limits.HiddenSize),
            OutChannels = json.Size("out_channels", d.OutChannels, limits.HiddenSize),
            BaseChannels = json.Size("base_channels", d.BaseChannels, limits.HiddenSize),
            ChannelMultiplier = json.Has("channel_multiplier") ? json.IntList("channel_multiplier") : d.ChannelMultiplier,
            NumResBlocks = json.Size("num_res_blocks", d.NumResBlocks, limits.Layers),
            ProjectionDim = json.Size("projection_dim", d.ProjectionDim, limits.HiddenSize),
            NumHiddenLayers = json.Size("num_hidden_layers", d.NumHiddenLayers, limits.Layers),
            HiddenAct = json.String("hidden_act") ?? d.HiddenAct,
            ImageTokenEmbedDim = json.Size("image_token_embed_dim", d.ImageTokenEmbedDim, limits.HiddenSize),
        };
        if (config.ChannelMultiplier.Count == 0)
            throw json.Error("channel_multiplier", "must list at least one resolution");
        json.Bounded("latent_channels", (config.DoubleLatent ? 2L : 1L) * config.LatentChannels, limits.HiddenSize, "encoder output channels");
        foreach (int m in config.ChannelMultiplier)
        {
            if (m <= 0) throw json.Error("channel_multiplier", $"entries must be positive, got {m}");
            json.Bounded("channel_multiplier", (long)config.BaseChannels * m, limits.HiddenSize, $"base_channels × {m}");
        }
        config.CheckImageSize(json);
        return config;
    }

    /// <summary>Fails unless the token grid and the generated image fit the limits (again once JanusConfig has set
    /// num_patches from the vision config).</summary>
    internal void CheckImageSize(ConfigJson json)
    {
        var limits = json.Limits;
        json.Bounded("num_patches", (long)NumPatches * NumPatches, limits.ImageTokens, $"generated image tokens ({NumPatches}²)");
        json.Bounded("channel_multiplier", GeneratedImageSize, limits.ImageSize,
            $"generated image side ({NumPatches} tokens × 2^{ChannelMultiplier.Count - 1} upsampling)");
    }

    /// <summary>Tensors of JanusVQVAE (encoder, quantizer, decoder) and of the generation embeddings, aligner
    /// and head (modeling_janus.py). Channel counts follow the VQGAN's per-resolution multipliers.</summary>
    internal void AddTensors(TensorLayoutBuilder layout, string modelPrefix)
    {
        string vq = modelPrefix + "vqmodel.";
        int levels = ChannelMultiplier.Count;

        // Encoder: level i goes from base * mult[i-1] (base for i = 0) to base * mult[i]; the last level attends.
        string enc = vq + "encoder.";
        layout.Conv2d(enc + "conv_in", BaseChannels, InChannels, 3);
        int channels = BaseChannels;
        for (int i = 0; i < levels; i++)
        {
            int outChannels = BaseChannels * ChannelMultiplier[i];
            for (int b = 0; b < NumResBlocks; b++)
            {
                AddResnetBlock(layout, $"{enc}down.{i}.block.{b}.", channels, outChannels);
                channels = outChannels;
                if (i == levels - 1) AddAttentionBlock(layout, $"{enc}down.{i}.attn.{b}.", channels);
            }
            if (i != levels - 1) layout.Conv2d($"{enc}down.{i}.downsample.conv", channels, channels, 3);
        }
        AddMidBlock(layout, enc + "mid.", channels);
        layout.Norm(enc + "norm_out", channels, bias: true);
        layout.Conv2d(enc + "conv_out", DoubleLatent ? 2 * LatentChannels : LatentChannels, channels, 3);

        layout.Add(vq + "quantize.embedding.weight", NumEmbeddings, EmbedDim);
        layout.Conv2d(vq + "quant_conv", EmbedDim, LatentChannels, 1);
        layout.Conv2d(vq + "post_quant_conv", LatentChannels, EmbedDim, 1);

        // Decoder: up.0 is the lowest resolution (mult[-1]) and the one that attends; num_res_blocks + 1 blocks per level.
        string dec = vq + "decoder.";
        channels = BaseChannels * ChannelMultiplier[levels - 1];
        layout.Conv2d(dec + "conv_in", channels, LatentChannels, 3);
        AddMidBlock(layout, dec + "mid.", channels);
        for (int u = 0; u < levels; u++)
        {
            int level = levels - 1 - u;
            int outChannels = BaseChannels * ChannelMultiplier[level];
            for (int b = 0; b < NumResBlocks + 1; b++)
            {
                AddResnetBlock(layout, $"{dec}up.{u}.block.{b}.", channels, outChannels);
                channels = outChannels;
                if (level == levels - 1) AddAttentionBlock(layout, $"{dec}up.{u}.attn.{b}.", channels);
            }
            if (level != 0) layout.Conv2d($"{dec}up.{u}.upsample.conv", channels, channels, 3);
        }
        layout.Norm(dec + "norm_out", channels, bias: true);
        layout.Conv2d(dec + "conv_out", OutChannels, channels, 3);

        layout.Add(modelPrefix + "generation_embeddings.weight", NumEmbeddings, EmbedDim);
        string aligner = modelPrefix + "generation_aligner.";
        layout.Linear(aligner + "fc1", ProjectionDim, EmbedDim, bias: true, quantizable: false);
        for (int i = 0; i < NumHiddenLayers - 1; i++)
            layout.Linear($"{aligner}hidden_layers.{i}", ProjectionDim, ProjectionDim, bias: true, quantizable: false);
        string head = modelPrefix + "generation_head.";
        layout.Linear(head + "proj_out", ProjectionDim, ImageTokenEmbedDim, bias: true, quantizable: false);
        layout.Linear(head + "vision_head", NumEmbeddings, ProjectionDim, bias: true, quantizable: false);
    }

    private static void AddResnetBlock(TensorLayoutBuilder layout, string prefix, int inChannels, int outChannels)
    {
        layout.Norm(prefix + "norm1", inChannels, bias: true);
        layout.Conv2d(prefix + "conv1", outChannels, inChannels, 3);
        layout.Norm(prefix + "norm2", outChannels, bias: true);
        layout.Conv2d(prefix + "conv2", outChannels, outChannels, 3);
        if (inChannels != outChannels) layout.Conv2d(prefix + "nin_shortcut", outChannels, inChannels, 1);
    }

    private static void AddAttentionBlock(TensorLayoutBuilder layout, string prefix, int channels)
    {
        layout.Norm(prefix + "norm", channels, bias: true);
        layout.Conv2d(prefix + "q", channels, channels, 1);
        layout.Conv2d(prefix + "k", channels, channels, 1);
        layout.Conv2d(prefix + "v", channels, channels, 1);
        layout.Conv2d(prefix + "proj_out", channels, channels, 1);
    }

    private static void AddMidBlock(TensorLayoutBuilder layout, string prefix, int channels)
    {
        AddResnetBlock(layout, prefix + "block_1.", channels, channels);
        AddAttentionBlock(layout, prefix + "attn_1.", channels);
        AddResnetBlock(layout, prefix + "block_2.", channels, channels);
    }
}
