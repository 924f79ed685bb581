using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Vision.Janus;

/// <summary>Janus's understanding encoder, a SigLIP ViT (Zhai et al. 2023) without its pooling head (transformers
/// JanusVisionModel; the release's timm VisionTransformer with select_layer -1 and select_feature "same"): a
/// patch_size-strided convolution makes one token per patch, learned position embeddings are added (no class
/// token), num_hidden_layers encoder layers run, and post_layernorm normalizes every token. Images go in
/// channels-last [images, image_size, image_size, channels]; features come out as [images · patches, hidden_size].</summary>
public sealed class SiglipVisionTower
{
    private readonly SiglipEncoderLayer[] _layers;
    private readonly RowBuffer _hidden;

    private SiglipVisionTower(JanusVisionConfig config, Conv2d patchEmbedding, Tensor positionEmbedding, SiglipEncoderLayer[] layers, LayerNorm postLayerNorm, LayerWorkspace workspace)
    {
        Config = config;
        PatchEmbedding = patchEmbedding;
        PositionEmbedding = positionEmbedding;
        _layers = layers;
        PostLayerNorm = postLayerNorm;
        _hidden = workspace.Buffer("siglip.hidden", config.HiddenSize);
    }

    public JanusVisionConfig Config { get; }

    /// <summary>Conv2d(num_channels, hidden_size, kernel = stride = patch_size).</summary>
    public Conv2d PatchEmbedding { get; }

    /// <summary>F32 [patches, hidden_size], one row per patch in row-major patch order.</summary>
    public Tensor PositionEmbedding { get; }

    public IReadOnlyList<SiglipEncoderLayer> Layers => _layers;

    public LayerNorm PostLayerNorm { get; }

    public int Patches => Config.PatchesPerSide * Config.PatchesPerSide;

    /// <summary>Loads <c>model.vision_model.*</c> (converted names, resolved through <paramref name="weights"/>' map).</summary>
    public static SiglipVisionTower Load(LayerWorkspace workspace, JanusWeights weights, JanusVisionConfig config, string sourcePath)
    {
        const string prefix = "model.vision_model.";
        if (config.UseQkNorm)
            throw new Configs.ConfigException("use_qk_norm true is not supported (no Janus release uses it)", sourcePath, "vision_config.use_qk_norm");
        var gelu = GeluActivation.Parse(config.HiddenAct, sourcePath, "vision_config.hidden_act");
        var patch = weights.LoadConv2d(prefix + "embeddings.patch_embedding", stride: config.PatchSize);
        var positions = weights.Float(prefix + "embeddings.position_embedding.weight");
        var layers = new SiglipEncoderLayer[config.NumHiddenLayers];
        for (int i = 0; i < layers.Length; i++)
            layers[i] = SiglipEncoderLayer.Load(workspace, weights, $"{prefix}encoder.layers.{i}.", config.NumAttentionHeads, config.AttentionBias, config.LayerNormEps, gelu);
        var post = weights.LoadLayerNorm(prefix + "post_layernorm", config.LayerNormEps);
        return new SiglipVisionTower(config, patch, positions, layers, post, workspace);
    }

    /// <summary>Encodes <paramref name="pixels"/> F32 [images, image_size, image_size, num_channels] (normalized,
    /// channels-last, on the backend) into <paramref name="features"/> F32 [images · patches, hidden_size].</summary>
    public void Forward(IBackend backend, Tensor pixels, Tensor features)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(features);
        int size = Config.ImageSize, grid = Config.PatchesPerSide;
        if (pixels.Rank != 4 || pixels.Shape[1] != size || pixels.Shape[2] != size || pixels.Shape[3] != Config.NumChannels)
            throw new ArgumentException($"Pixels must be [images, {size}, {size}, {Config.NumChannels}], got {pixels.Shape}.", nameof(pixels));
        int images = pixels.Shape[0], tokens = Patches;
        if (features.Shape != new Shape(images * tokens, Config.HiddenSize))
            throw new ArgumentException($"Features must be [{images * tokens}, {Config.HiddenSize}], got {features.Shape}.", nameof(features));
        var hidden = _hidden.Rows(images * tokens);
        PatchEmbedding.Forward(backend, pixels, hidden.Reshape(images, grid, grid, Config.HiddenSize));
        for (int i = 0; i < images; i++)
        {
            var image = hidden.Slice(0, i * tokens, tokens);
            backend.Add(image, PositionEmbedding, image);
        }
        foreach (var layer in _layers) layer.Forward(backend, hidden, images, tokens);
        PostLayerNorm.Forward(backend, hidden, features);
    }
}
