namespace DeepSeek.Sdk.Checkpoints;

/// <summary>A checkpoint (safetensors file, shard index or set of weights) could not be used. The message
/// names the file and, where one is involved, the tensor.</summary>
public class CheckpointException : DeepSeekException
{
    public CheckpointException(string message, string filePath, string? tensorName = null, Exception? inner = null)
        : base(Compose(message, filePath, tensorName), inner)
    {
        FilePath = filePath;
        TensorName = tensorName;
    }

    /// <summary>The file (or checkpoint directory) the problem was found in.</summary>
    public string FilePath { get; }

    /// <summary>The tensor the problem concerns, or null for file-level problems.</summary>
    public string? TensorName { get; }

    private static string Compose(string message, string filePath, string? tensorName) =>
        tensorName is null ? $"{filePath}: {message}" : $"{filePath}: tensor '{tensorName}': {message}";
}
