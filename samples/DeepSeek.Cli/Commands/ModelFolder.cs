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
    /// <exception cref="CommandException">The folder given does not exist.</exception>
    public static string Resolve(string? given) =>
        string.IsNullOrWhiteSpace(given) ? DefaultModels.Resolve(DefaultModels.Default, "pass --model <folder>") : Existing(given);

    /// <summary><paramref name="directory"/>, once it is known to be a folder: a mistyped path is reported as such,
    /// rather than as the first file the loaders miss in it.</summary>
    /// <param name="option">How the user gave it (--model, or an argument's name), for the hint.</param>
    /// <exception cref="CommandException">It does not exist, or is a file.</exception>
    public static string Existing(string directory, string option = "--model")
    {
        if (Directory.Exists(directory)) return directory;
        string hint = $"{option} names a model folder (config.json, the *.safetensors weights, tokenizer.json).";
        if (File.Exists(directory)) throw new CommandException($"The model folder '{directory}' is a file.", hint);
        throw new CommandException($"The model folder '{directory}' does not exist.", hint);
    }
}
