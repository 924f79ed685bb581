using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Runtime;

namespace DeepSeek.Sdk.Hosting;

/// <summary>What <c>services.AddDeepSeek(o => o with { ... })</c> configures: the model to serve, the device it runs
/// on, and generation defaults shared by every pipeline registered on the builder.</summary>
public sealed record DeepSeekOptions
{
    /// <summary>The model folder (config.json, safetensors, tokenizer.json, optional generation_config.json). When null,
    /// each pipeline serves its shipped default model (<see cref="ResolveModelPath"/>).</summary>
    public string? ModelPath { get; init; }

    /// <summary>The shipped text model served when <see cref="ModelPath"/> is not set (a name <see cref="DefaultModels"/>
    /// resolves); deepseek-r1-tiny unless changed. Vision names its own (<c>VisionOptions.DefaultModel</c>).</summary>
    public string DefaultModel { get; init; } = DefaultModels.Default;

    /// <summary>Where the model runs; <see cref="DeviceSelection.Auto"/> takes the best available backend and logs why.</summary>
    public DeviceSelection Device { get; init; } = DeviceSelection.Auto;

    /// <summary>Threads of the CPU backend; 0 means one per logical processor; at most
    /// <see cref="Backends.Cpu.CpuBackend.MaxThreadCount"/> (4 per logical processor, within [64, 1024]).</summary>
    public int CpuThreads { get; init; }

    /// <summary>Defaults for every request that does not give its own options (max new tokens, sampling, stop
    /// strings). Null takes the model's generation_config.json (temperature, top-p, top-k) over the SDK's
    /// <see cref="GenerationOptions"/> defaults.</summary>
    public GenerationOptions? Generation { get; init; }

    /// <summary>The bounds every file of the model folder is read within (config.json, safetensors headers,
    /// tokenizer files, the chat template); a breach is a <see cref="DeepSeekException"/> naming the file, the field
    /// and the option. The defaults admit every published checkpoint; raise one only for a folder you trust.</summary>
    public InputLimits Limits { get; init; } = InputLimits.Default;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option that is out of range.</summary>
    public void Validate()
    {
        if (CpuThreads < 0 || CpuThreads > CpuBackend.MaxThreadCount)
            throw new ArgumentOutOfRangeException(nameof(CpuThreads), CpuThreads,
                $"DeepSeekOptions.CpuThreads must be 0 (one per logical processor) or between 1 and {CpuBackend.MaxThreadCount}; got {CpuThreads}.");
        if (Generation is { } generation)
        {
            if (generation.MaxNewTokens <= 0)
                throw new ArgumentOutOfRangeException("Generation.MaxNewTokens", generation.MaxNewTokens,
                    $"DeepSeekOptions.Generation.MaxNewTokens must be at least 1; got {generation.MaxNewTokens}.");
            ArgumentNullException.ThrowIfNull(generation.Sampling, "Generation.Sampling");
            generation.Sampling.Validate();
        }
    }

    /// <summary>The validated options' model folder: <see cref="ModelPath"/> when set, else the shipped model
    /// <paramref name="defaultModel"/> (<see cref="DefaultModel"/> when null) from <see cref="DefaultModels"/>.
    /// Throws <see cref="ModelNotFoundException"/>, naming the folders searched, when that model is in none.</summary>
    public string ResolveModelPath(string? defaultModel = null)
    {
        Validate();
        if (!string.IsNullOrWhiteSpace(ModelPath)) return ModelPath;
        return DefaultModels.Resolve(defaultModel ?? DefaultModel, "set DeepSeekOptions.ModelPath to a model folder");
    }
}
