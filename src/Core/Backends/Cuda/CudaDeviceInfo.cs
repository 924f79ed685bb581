namespace DeepSeek.Sdk.Backends.Cuda;

/// <summary>What a <see cref="CudaBackend"/> runs on, for logs and benchmark reports.</summary>
public sealed record CudaDeviceInfo(
    int Index,
    string Name,
    int ComputeCapabilityMajor,
    int ComputeCapabilityMinor,
    int Multiprocessors,
    long TotalMemoryBytes,
    string DriverVersion,
    string NvrtcVersion)
{
    public override string ToString() =>
        $"{Name} (cuda:{Index}, sm_{ComputeCapabilityMajor}{ComputeCapabilityMinor}, {Multiprocessors} SMs, {TotalMemoryBytes / (1L << 30)} GiB, driver {DriverVersion}, NVRTC {NvrtcVersion})";
}
