using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Checkpoints;

/// <summary>A tensor's dtype is not one its layer computes with (an integer or F64 weight, F8_E4M3 without block
/// scales, a weight_scale_inv that is not F32), or the checkpoint's floating weights contradict each other or
/// config.json's torch_dtype (F16 beside BF16: a relabelled header, whose bytes would be read as other numbers).
/// Raised when the model is loaded, before any layer is built.</summary>
public sealed class CheckpointDTypeException : CheckpointException
{
    public CheckpointDTypeException(string message, string filePath, string tensorName, DType dtype, IReadOnlyList<DType> accepted)
        : base(message, filePath, tensorName)
    {
        DType = dtype;
        Accepted = accepted;
    }

    /// <summary>The dtype the header gives the tensor.</summary>
    public DType DType { get; }

    /// <summary>The dtypes that would have been accepted in its place.</summary>
    public IReadOnlyList<DType> Accepted { get; }
}
