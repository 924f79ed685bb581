using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Text.DeepSeek;
using DeepSeek.Sdk.Text.Llama;
using Microsoft.Extensions.Logging;

namespace DeepSeek.Sdk.Text;

/// <summary>Loads any supported causal text model from a checkpoint directory, chosen by the
/// <c>model_type</c> of its config.json. Pipelines, the DI registration and the CLI load through here, so
/// a new architecture is supported everywhere once it has a line in <see cref="Load"/>.</summary>
public static class TextModels
{
    /// <summary>The <c>model_type</c> values <see cref="Load"/> accepts.</summary>
    public static IReadOnlyList<string> SupportedModelTypes { get; } = ["deepseek_v3", "deepseek_v2", "qwen2", "llama"];

    /// <summary>Opens the checkpoint in <paramref name="directory"/> and builds its model on <paramref name="backend"/>.
    /// Throws <see cref="UnsupportedModelException"/> for an architecture this SDK does not run, and the
    /// checkpoint exceptions for missing, corrupt or mismatched weights.</summary>
    public static ICausalLanguageModel Load(string directory, IBackend backend, ILogger? logger = null) =>
        Load(directory, backend, logger, progress: null);

    /// <summary>Like <see cref="Load(string, IBackend, ILogger?)"/>, reporting each built layer to <paramref name="progress"/>
    /// (models whose loader takes no progress report nothing), and reading config.json and the safetensors headers within
    /// <paramref name="limits"/> (<see cref="InputLimits.Default"/> when null).</summary>
    public static ICausalLanguageModel Load(string directory, IBackend backend, ILogger? logger, IProgress<ModelLoadProgress>? progress,
        InputLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(backend);
        var config = ModelConfig.Load(Path.Combine(directory, ModelConfig.FileName), limits?.Config);
        return config switch
        {
            DeepSeekV3Config => DeepSeekV3Model.Load(directory, backend, logger, progress, limits),
            Qwen2Config or LlamaConfig => LlamaModel.Load(directory, backend, logger, limits),
            _ => throw new UnsupportedModelException(config.ModelType, config.SourcePath, SupportedModelTypes),
        };
    }
}
