namespace DeepSeek.Sdk.Checkpoints;

/// <summary>A tensor was asked for (or listed in a shard index) that the checkpoint does not contain.</summary>
public sealed class TensorNotFoundException : CheckpointException
{
    public TensorNotFoundException(string message, string filePath, string tensorName)
        : base(message, filePath, tensorName)
    {
    }
}
