using System.Text.Json;
using System.Text.Json.Nodes;
using DeepSeek.Sdk.Configs;

namespace DeepSeek.Sdk.Vision.Janus;

/// <summary>Reads the deepseek-ai release's config.json (<c>model_type: multi_modality</c>, MultiModalityConfig) into
/// a <see cref="JanusConfig"/>, translating it the way transformers' convert_janus_weights_to_hf.py does: the Llama
/// <c>language_config</c> becomes <c>text_config</c>; the SigLIP named by <c>vision_config.params.model_name</c> is
/// expanded from its preset (janus/models/siglip_vit.py SigLIP_MODEL_CONFIG); the aligner's depth and width, the VQ
/// model's codebook, the generation aligner's width and depth and the generation head's input width come from their
/// <c>params</c>. The VQ architecture itself (VQ-16: 128 base channels, multipliers 1, 1, 2, 2, 4, two residual
/// blocks, 256 latent channels) is fixed by the class name in the release, as in transformers' defaults.</summary>
public static class JanusOriginalConfig
{
    public const string ModelType = "multi_modality";

    // SigLIP presets the release can name: (image_size, patch_size, width, layers, heads, mlp_ratio).
    private static readonly Dictionary<string, (int Image, int Patch, int Width, int Layers, int Heads, double MlpRatio)> s_siglip = new(StringComparer.Ordinal)
    {
        ["siglip_large_patch16_384"] = (384, 16, 1024, 24, 16, 4.0),
    };

    /// <summary>Parses a MultiModalityConfig JSON; <paramref name="sourcePath"/> names it in errors, and its sizes are
    /// checked against <paramref name="limits"/> (<see cref="ConfigLimits.Default"/> when null).</summary>
    public static JanusConfig Parse(ReadOnlySpan<byte> utf8Json, string sourcePath, ConfigLimits? limits = null)
    {
        limits ??= ConfigLimits.Default;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(utf8Json.ToArray());
        }
        catch (JsonException e)
        {
            throw new ConfigException($"not valid JSON ({e.Message})", sourcePath, null, e);
        }
        if (root is not JsonObject config) throw new ConfigException("must be a JSON object", sourcePath);
        string modelType = String(config, "model_type", sourcePath);
        if (modelType != ModelType) throw new ConfigException($"'{modelType}' where '{ModelType}' is expected", sourcePath, "model_type");

        var language = Object(config, "language_config", sourcePath);
        var vision = Params(config, "vision_config", sourcePath);
        var aligner = Params(config, "aligner_config", sourcePath);
        var genVision = Params(config, "gen_vision_config", sourcePath);
        var genAligner = Params(config, "gen_aligner_config", sourcePath);
        var genHead = Params(config, "gen_head_config", sourcePath);

        string modelName = String(vision, "model_name", sourcePath, "vision_config.params");
        if (!s_siglip.TryGetValue(modelName, out var siglip))
            throw new ConfigException($"vision tower '{modelName}' is not supported ({string.Join(", ", s_siglip.Keys)})", sourcePath, "vision_config.params.model_name");
        // select_layer -1 keeps every block, select_feature "same" keeps every patch token (CLIPVisionTower).
        if (vision["select_layer"] is { } selectLayer && !(selectLayer is JsonValue sv && sv.TryGetValue(out int layer) && layer == -1))
            throw new ConfigException("only -1 (the last layer) is supported", sourcePath, "vision_config.params.select_layer");
        string feature = OptionalString(vision, "select_feature") ?? "same";
        if (feature != "same")
            throw new ConfigException($"'{feature}' is not supported (same)", sourcePath, "vision_config.params.select_feature");
        int imageSize = Int(vision, "image_size", sourcePath, "vision_config.params", siglip.Image);
        // Checked here, under the release's field name, before the grid below is computed from it.
        if (imageSize > limits.MaxImageSize)
            throw new ConfigException($"{imageSize} exceeds the limit (ConfigLimits.{nameof(ConfigLimits.MaxImageSize)} = {limits.MaxImageSize})",
                sourcePath, "vision_config.params.image_size");
        string projector = OptionalString(aligner, "projector_type") ?? "mlp_gelu";
        if (projector != "mlp_gelu")
            throw new ConfigException($"'{projector}' is not supported (mlp_gelu)", sourcePath, "aligner_config.params.projector_type");
        string genCls = OptionalString(config["gen_vision_config"]!.AsObject(), "cls") ?? "VQ-16";
        if (genCls != "VQ-16")
            throw new ConfigException($"'{genCls}' is not supported (VQ-16)", sourcePath, "gen_vision_config.cls");

        int genProjection = Int(genAligner, "n_embed", sourcePath, "gen_aligner_config.params");
        int headHidden = Int(genHead, "image_token_embed", sourcePath, "gen_head_config.params");
        // transformers' JanusVQVAEConfig has one projection_dim for both the generation aligner's output and the
        // generation head's hidden layer; the release could in principle differ, which the converted model cannot hold.
        if (headHidden != genProjection)
            throw new ConfigException($"{headHidden} differs from gen_aligner_config.params.n_embed {genProjection}", sourcePath, "gen_head_config.params.image_token_embed");
        int tokens = Int(genVision, "image_token_size", sourcePath, "gen_vision_config.params");
        if (Int(genHead, "image_token_size", sourcePath, "gen_head_config.params", tokens) != tokens)
            throw new ConfigException($"differs from gen_vision_config.params.image_token_size {tokens}", sourcePath, "gen_head_config.params.image_token_size");

        var text = (JsonObject)language.DeepClone();
        text["model_type"] = "llama";
        int grid = imageSize / siglip.Patch;
        var converted = new JsonObject
        {
            ["model_type"] = "janus",
            ["text_config"] = text,
            ["vision_config"] = new JsonObject
            {
                ["hidden_size"] = siglip.Width,
                ["num_hidden_layers"] = siglip.Layers,
                ["num_attention_heads"] = siglip.Heads,
                ["patch_size"] = siglip.Patch,
                ["image_size"] = imageSize,
                ["mlp_ratio"] = siglip.MlpRatio,
                ["hidden_act"] = "gelu",
                ["layer_norm_eps"] = 1e-6,
                ["projection_dim"] = Int(aligner, "n_embed", sourcePath, "aligner_config.params"),
                ["depth"] = Int(aligner, "depth", sourcePath, "aligner_config.params", 2),
                ["num_image_tokens"] = grid * grid,
            },
            ["vq_config"] = new JsonObject
            {
                ["embed_dim"] = Int(genVision, "n_embed", sourcePath, "gen_vision_config.params"),
                ["num_embeddings"] = tokens,
                ["projection_dim"] = genProjection,
                ["num_hidden_layers"] = Int(genAligner, "depth", sourcePath, "gen_aligner_config.params", 2),
                ["image_token_embed_dim"] = Int(genHead, "n_embed", sourcePath, "gen_head_config.params"),
            },
        };
        // The weights' declared type (ModelConfig.DeclaredDType) is the release's top-level one.
        foreach (string key in (ReadOnlySpan<string>)["torch_dtype", "dtype"])
            if (config[key] is JsonValue declared && declared.TryGetValue(out string? _)) converted[key] = declared.DeepClone();
        return (JanusConfig)ModelConfig.Parse(JsonSerializer.SerializeToUtf8Bytes(converted), sourcePath, limits);
    }

    private static JsonObject Object(JsonObject parent, string name, string path, string? prefix = null) =>
        parent[name] as JsonObject ?? throw new ConfigException("is required and must be an object", path, Field(prefix, name));

    private static JsonObject Params(JsonObject config, string name, string path) =>
        Object(Object(config, name, path), "params", path, name);

    private static string String(JsonObject parent, string name, string path, string? prefix = null) =>
        OptionalString(parent, name) ?? throw new ConfigException("is required and must be a string", path, Field(prefix, name));

    private static string? OptionalString(JsonObject parent, string name) =>
        parent[name] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static int Int(JsonObject parent, string name, string path, string prefix, int? fallback = null)
    {
        var node = parent[name];
        if (node is null)
            return fallback ?? throw new ConfigException("is required", path, Field(prefix, name));
        if (node is JsonValue v && v.TryGetValue(out int value) && value > 0) return value;
        throw new ConfigException($"must be a positive integer, got {node.ToJsonString()}", path, Field(prefix, name));
    }

    private static string Field(string? prefix, string name) => prefix is null ? name : prefix + "." + name;
}
