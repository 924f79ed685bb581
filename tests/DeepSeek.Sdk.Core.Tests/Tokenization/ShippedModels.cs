using System.Collections.Concurrent;
using DeepSeek.Sdk.Tokenization;

namespace DeepSeek.Sdk.Core.Tests.Tokenization;

/// <summary>The models the repository ships under models/ (found by walking up from the test binaries to the folder
/// holding DeepSeek.Sdk.sln; they ship with the repository, so not finding them is a failure, not a reason to skip).</summary>
internal static class ShippedModels
{
    private static readonly Lazy<string> s_root = new(FindRoot);
    private static readonly ConcurrentDictionary<string, Lazy<Tokenizer>> s_tokenizers = new();

    public static string Directory(string name) => Path.Combine(s_root.Value, "models", name);

    public static Tokenizer Tokenizer(string name) =>
        s_tokenizers.GetOrAdd(name, static n => new Lazy<Tokenizer>(() => DeepSeek.Sdk.Tokenization.Tokenizer.FromDirectory(Directory(n)))).Value;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DeepSeek.Sdk.sln")) && System.IO.Directory.Exists(Path.Combine(dir.FullName, "models")))
                return dir.FullName;
        throw new DirectoryNotFoundException($"No ancestor of {AppContext.BaseDirectory} holds DeepSeek.Sdk.sln and models/.");
    }
}
