namespace DeepSeek.Sdk.Text.Tests.TinyModel;

/// <summary>Finds the checked-in deepseek-r1-tiny model (models/deepseek-r1-tiny) and the reference outputs next to
/// this file by walking up from the test binaries to the repository root (the folder holding DeepSeek.Sdk.sln).
/// The model ships with the repository, so not finding it is a failure, not a reason to skip.</summary>
internal static class TinyModelFiles
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string ModelDirectory => Path.Combine(Root.Value, "models", "deepseek-r1-tiny");

    /// <summary>Greedy outputs of transformers 5.17 (float32 compute on the BF16 checkpoint), written by
    /// tools/train/train_r1_tiny.py in the run that trained the model.</summary>
    public static string ReferenceExamples => Path.Combine(Root.Value, "tests", "DeepSeek.Sdk.Text.Tests", "TinyModel", "reference_examples.json");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DeepSeek.Sdk.sln"))
                && File.Exists(Path.Combine(dir.FullName, "models", "deepseek-r1-tiny", "config.json")))
                return dir.FullName;
        throw new DirectoryNotFoundException(
            $"No ancestor of {AppContext.BaseDirectory} holds DeepSeek.Sdk.sln and models/deepseek-r1-tiny/config.json.");
    }
}
