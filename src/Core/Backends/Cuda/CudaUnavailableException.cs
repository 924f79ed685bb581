namespace DeepSeek.Sdk.Backends.Cuda;

/// <summary>No CUDA backend can be created here: a library is missing, there is no such GPU, or the driver
/// refused to start. The message says which, so that a fallback to the CPU can be logged with its reason.</summary>
public sealed class CudaUnavailableException(string reason) : DeepSeekException($"CUDA is not available: {reason}.")
{
    public string Reason { get; } = reason;
}
