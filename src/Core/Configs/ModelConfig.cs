using System.Text.Json;

namespace DeepSeek.Sdk.Configs;

/// <summary>A model's config.json, parsed strictly into the record of its architecture (dispatch on
/// <c>model_type</c>). Each config knows the tensors its architecture expects in a checkpoint.</summary>
public abstract record ModelConfig
{
    public const string FileName = "config.json";

    private static readonly string[] s_supported = ["deepseek_v3", "deepseek_v2", "qwen2", "llama", "janus"];

    private protected ModelConfig(string modelType, string sourcePath, QuantizationConfig? quantization)
    {
        ModelType = modelType;
        SourcePath = sourcePath;
        Quantization = quantization;
    }

    /// <summary>The config's <c>model_type</c>.</summary>
    public string ModelType { get; init; }

    /// <summary>The file the config was read from (used in error messages).</summary>
    public string SourcePath { get; init; }

    /// <summary>The <c>quantization_config</c> of an FP8 checkpoint; null for unquantized ones.</summary>
    public QuantizationConfig? Quantization { get; init; }

    public static IReadOnlyList<string> SupportedModelTypes => s_supported;

    /// <summary>Every tensor the architecture defines, under the published checkpoint names, in module order.</summary>
    public abstract IReadOnlyList<ExpectedTensor> ExpectedTensors();

    /// <summary>Whether a checkpoint tensor outside <see cref="ExpectedTensors"/> is nonetheless legitimate
    /// (DeepSeek-V3's multi-token-prediction layers, which inference does not use).</summary>
    public virtual bool IsAllowedExtra(string tensorName) => false;

    /// <summary>Loads <paramref name="path"/>, either a config.json or a directory containing one.</summary>
    public static ModelConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string file = Directory.Exists(path) ? Path.Combine(path, FileName) : path;
        file = Path.GetFullPath(file);
        if (!File.Exists(file)) throw new ConfigException("config file not found", file);
        return Parse(File.ReadAllBytes(file), file);
    }

    /// <summary>Parses config JSON; <paramref name="sourcePath"/> names it in errors.</summary>
    public static ModelConfig Parse(ReadOnlySpan<byte> utf8Json, string sourcePath)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json.ToArray());
        }
        catch (JsonException e)
        {
            throw new ConfigException($"not valid JSON ({e.Message})", sourcePath, null, e);
        }
        using (document)
        {
            var json = new ConfigJson(document.RootElement, sourcePath, "");
            string modelType = json.RequiredString("model_type");
            return modelType switch
            {
                "deepseek_v3" or "deepseek_v2" => DeepSeekV3Config.Read(json, modelType),
                "qwen2" => Qwen2Config.Read(json),
                "llama" => LlamaConfig.Read(json),
                "janus" => JanusConfig.Read(json),
                _ => throw new UnsupportedModelException(modelType, sourcePath, s_supported),
            };
        }
    }

    private protected static QuantizationConfig? ReadQuantization(ConfigJson json) =>
        json.Object("quantization_config") is { } q ? QuantizationConfig.Read(q) : null;
}
