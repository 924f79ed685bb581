namespace DeepSeek.Sdk.Backends.Cuda;

/// <summary>NVRTC rejected an embedded kernel source. <see cref="Log"/> is the compiler's log, which names the
/// file and line.</summary>
public sealed class KernelCompilationException(string source, string options, string log)
    : Exception($"NVRTC could not compile kernel source '{source}' with '{options}':\n{log}")
{
    public string KernelSource { get; } = source;

    public string Options { get; } = options;

    public string Log { get; } = log;
}
