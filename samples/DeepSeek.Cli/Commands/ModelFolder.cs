using System.CommandLine;
using DeepSeek.Sdk.Hosting;

namespace DeepSeek.Cli.Commands;

/// <summary>The <c>--model</c> option of the commands that run a model. It may be left out: the shipped
/// deepseek-r1-tiny is then used, found by <see cref="DefaultModels"/> (the CLI carries it in its output folder's
/// <c>models/</c>), so <c>deepseek reason "What is 123 + 456?"</c> runs offline on a fresh clone.</summary>
internal static class ModelFolder
{
    public static Option<string?> CreateOption() => new("--model")
    {
        Description = $"Model folder: config.json, safetensors, tokenizer.json, tokenizer_config.json (default: the shipped {DefaultModels.Default}, from models/ next to the CLI or ${DefaultModels.SearchPathVariable}).",
    };

    /// <summary>The folder given, else the default model's.</summary>
    /// <exception cref="ModelNotFoundException">None was given and the default model is in none of the folders searched.</exception>
    public static string Resolve(string? given) =>
        string.IsNullOrWhiteSpace(given) ? DefaultModels.Resolve(DefaultModels.Default, "pass --model <folder>") : given;
}
