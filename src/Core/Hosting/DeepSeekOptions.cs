using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Runtime;

namespace DeepSeek.Sdk.Hosting;

/// <summary>What <c>services.AddDeepSeek(o => o with { ... })</c> configures: the model to serve, the device it runs
/// on, and generation defaults shared by every pipeline registered on the builder.</summary>
public sealed record DeepSeekOptions
{
    /// <summary>The model folder (config.json, safetensors, tokenizer.json, optional generation_config.json).</summary>
    public string? ModelPath { get; init; }

    /// <summary>Where the model runs; <see cref="DeviceSelection.Auto"/> takes the best available backend and logs why.</summary>
    public DeviceSelection Device { get; init; } = DeviceSelection.Auto;

    /// <summary>Threads of the CPU backend; 0 means one per logical processor.</summary>
    public int CpuThreads { get; init; }

    /// <summary>Defaults for every request that does not give its own options (max new tokens, sampling, stop
    /// strings). Null takes the model's generation_config.json (temperature, top-p, top-k) over the SDK's
    /// <see cref="GenerationOptions"/> defaults.</summary>
    public GenerationOptions? Generation { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the option that is missing or out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelPath))
            throw new ArgumentException("DeepSeekOptions.ModelPath is not set: give the folder of the model to serve.", nameof(ModelPath));
        if (CpuThreads < 0)
            throw new ArgumentOutOfRangeException(nameof(CpuThreads), CpuThreads, "DeepSeekOptions.CpuThreads must be 0 (all processors) or positive.");
        if (Generation is { } generation)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(generation.MaxNewTokens, "DeepSeekOptions.Generation.MaxNewTokens");
            generation.Sampling.Validate();
        }
    }
}
