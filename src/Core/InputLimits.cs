using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Tokenization;
using DeepSeek.Sdk.Tokenization.Templates;

namespace DeepSeek.Sdk;

/// <summary>
/// The bounds a model folder from an untrusted source is read within: the sizes in config.json, the safetensors
/// headers and shard index, tokenizer.json / tokenizer_config.json, and the chat template (a program the folder
/// ships). Each breach is a <see cref="DeepSeekException"/> naming the file, the field and the option that sets the
/// bound. The defaults let every published DeepSeek-V3/R1, V2, Qwen2, Llama and Janus-Pro checkpoint through with room
/// to spare (docs/reliability.md lists them with the largest real values); raise one only for a folder you trust.
/// Images are decoded by the application with <see cref="Imaging.ImageDecodeOptions"/>, which carries their limits.
/// </summary>
public sealed record InputLimits
{
    public static InputLimits Default { get; } = new();

    /// <summary>Sizes in config.json (layers, widths, heads, experts, vocabulary, positions, image sizes).</summary>
    public ConfigLimits Config { get; init; } = ConfigLimits.Default;

    /// <summary>Safetensors headers and model.safetensors.index.json (header bytes, tensor count, rank, metadata).</summary>
    public SafetensorsLimits Weights { get; init; } = SafetensorsLimits.Default;

    /// <summary>tokenizer.json and tokenizer_config.json (file size, id space, patterns, added tokens).</summary>
    public TokenizerLimits Tokenizer { get; init; } = TokenizerLimits.Default;

    /// <summary>The chat template (nesting depth, loop iterations, output length, work per render).</summary>
    public TemplateLimits Template { get; init; } = TemplateLimits.Default;
}
