using System.Text.Json;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Configs;

/// <summary>A model's config.json, parsed strictly into the record of its architecture (dispatch on
/// <c>model_type</c>). Each config knows the tensors its architecture expects in a checkpoint.</summary>
public abstract record ModelConfig
{
    public const string FileName = "config.json";

    private static readonly string[] s_supported = ["deepseek_v3", "deepseek_v2", "qwen2", "llama", "janus"];

    // The transformers classes each model_type is implemented as here; a config whose architectures names none of
    // them (a classification head, say) describes weights this SDK would misread.
    private static readonly Dictionary<string, string[]> s_architectures = new(StringComparer.Ordinal)
    {
        ["deepseek_v3"] = ["DeepseekV3ForCausalLM"],
        ["deepseek_v2"] = ["DeepseekV2ForCausalLM"],
        ["qwen2"] = ["Qwen2ForCausalLM"],
        ["llama"] = ["LlamaForCausalLM"],
        ["janus"] = ["JanusForConditionalGeneration"],
    };

    // torch_dtype (dtype in transformers 5) as transformers writes it: a torch floating type's name, or "auto".
    private static readonly string[] s_torchDTypes =
        ["float32", "float", "float16", "half", "bfloat16", "float64", "double", "float8_e4m3fn", "float8_e5m2", "auto"];

    private protected ModelConfig(string modelType, string sourcePath, QuantizationConfig? quantization, ConfigLimits limits)
    {
        Limits = limits;
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

    /// <summary>The 16-bit type config.json's <c>torch_dtype</c> (<c>dtype</c> in transformers 5) names for the weights:
    /// BF16 or F16; null where it names none, names F32 (16-bit storage beside it is ambiguous) or "auto".</summary>
    public DType? DeclaredDType { get; init; }

    /// <summary>The bounds the config was read under; they also bound the tensor list <see cref="ExpectedTensors"/>
    /// builds.</summary>
    public ConfigLimits Limits { get; init; }

    public static IReadOnlyList<string> SupportedModelTypes => s_supported;

    /// <summary>Every tensor the architecture defines, under the published checkpoint names, in module order.</summary>
    public abstract IReadOnlyList<ExpectedTensor> ExpectedTensors();

    /// <summary>Whether a checkpoint tensor outside <see cref="ExpectedTensors"/> is nonetheless legitimate
    /// (DeepSeek-V3's multi-token-prediction layers, which inference does not use).</summary>
    public virtual bool IsAllowedExtra(string tensorName) => false;

    /// <summary>Loads <paramref name="path"/>, either a config.json or a directory containing one, checking every size
    /// against <paramref name="limits"/> (<see cref="ConfigLimits.Default"/> when null).</summary>
    public static ModelConfig Load(string path, ConfigLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string file = Directory.Exists(path) ? Path.Combine(path, FileName) : path;
        file = Path.GetFullPath(file);
        if (!File.Exists(file)) throw new ConfigException("config file not found", file);
        return Parse(File.ReadAllBytes(file), file, limits);
    }

    /// <summary>Parses config JSON; <paramref name="sourcePath"/> names it in errors.</summary>
    public static ModelConfig Parse(ReadOnlySpan<byte> utf8Json, string sourcePath, ConfigLimits? limits = null)
    {
        using (var document = ConfigDocument.Parse(utf8Json, sourcePath))
        {
            var json = new ConfigJson(document.RootElement, sourcePath, "", limits);
            string modelType = json.RequiredString("model_type");
            if (!s_architectures.TryGetValue(modelType, out var classes))
                throw new UnsupportedModelException(modelType, sourcePath, s_supported);
            CheckArchitectures(json, modelType, classes);
            return modelType switch
            {
                "deepseek_v3" or "deepseek_v2" => DeepSeekV3Config.Read(json, modelType),
                "qwen2" => Qwen2Config.Read(json),
                "llama" => LlamaConfig.Read(json),
                _ => JanusConfig.Read(json),
            };
        }
    }

    /// <summary>The <see cref="DeclaredDType"/> of <paramref name="json"/>. transformers fails on a torch_dtype (or
    /// dtype) that names no torch type; so does this reader, rather than ignore a field it cannot interpret. The weights'
    /// own dtypes come from the checkpoint, which is held to this one (CheckpointDTypes.Validate).</summary>
    private protected static DType? ReadTorchDType(ConfigJson json)
    {
        string? first = null;
        foreach (string name in (ReadOnlySpan<string>)["torch_dtype", "dtype"])
        {
            if (json.String(name) is not { } dtype) continue;
            if (Array.IndexOf(s_torchDTypes, dtype) < 0)
                throw json.Error(name, $"'{dtype}' is not a torch floating dtype; expected one of {string.Join(", ", s_torchDTypes)}");
            first ??= dtype;
        }
        return first switch
        {
            "bfloat16" => DType.BF16,
            "float16" or "half" => DType.F16,
            _ => null,
        };
    }

    private static void CheckArchitectures(ConfigJson json, string modelType, string[] classes)
    {
        if (json.Find("architectures") is not { } list) return;
        if (list.ValueKind != JsonValueKind.Array)
            throw json.Error("architectures", $"must be a list of class names, got {list.GetRawText()}");
        string? first = null;
        int count = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
                throw json.Error("architectures", $"entries must be class names, got {item.GetRawText()}");
            string name = json.Text(item, "architectures");
            if (Array.IndexOf(classes, name) >= 0) return;
            first ??= name;
            count++;
        }
        if (first is not null)
            throw new UnsupportedModelException(modelType, json.FilePath, classes, "architectures",
                $"'{first}'{(count > 1 ? $" (and {count - 1} more)" : "")} is not supported for model_type '{modelType}'; supported: {string.Join(", ", classes)}");
    }

    private protected static QuantizationConfig? ReadQuantization(ConfigJson json) =>
        json.Object("quantization_config") is { } q ? QuantizationConfig.Read(q) : null;
}
