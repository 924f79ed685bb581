namespace DeepSeek.Sdk.Checkpoints;

/// <summary>A safetensors file breaks the format: bad header length, invalid JSON, malformed entry,
/// unknown dtype, or data offsets that do not describe the tensor's bytes.</summary>
public sealed class SafetensorsFormatException : CheckpointException
{
    public SafetensorsFormatException(string message, string filePath, string? tensorName = null, Exception? inner = null)
        : base(message, filePath, tensorName, inner)
    {
    }
}
