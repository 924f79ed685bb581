using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Checkpoints;

/// <summary>The checkpoint's tensors disagree with what the model config describes: a tensor is missing,
/// unexpected, or has another shape (or dtype) than the architecture implies.</summary>
public sealed class CheckpointMismatchException : CheckpointException
{
    public CheckpointMismatchException(string message, string filePath, string tensorName, Shape? expected = null, Shape? actual = null)
        : base(message, filePath, tensorName)
    {
        ExpectedShape = expected;
        ActualShape = actual;
    }

    /// <summary>The shape the config implies, when the problem is about a shape or a missing tensor.</summary>
    public Shape? ExpectedShape { get; }

    /// <summary>The shape found in the checkpoint, when the tensor exists.</summary>
    public Shape? ActualShape { get; }
}
