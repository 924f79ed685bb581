using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Runtime;

/// <summary>The host backend: always available, device index 0 only.</summary>
public sealed class CpuBackendFactory : IBackendFactory
{
    /// <param name="threadCount">Threads for parallel kernels; 0 means one per logical processor; at most
    /// <see cref="CpuBackend.MaxThreadCount"/> (checked here, so that a bad count fails when the provider is built).</param>
    public CpuBackendFactory(int threadCount = 0)
    {
        CpuThreadPool.ValidateThreadCount(threadCount, nameof(threadCount));
        ThreadCount = threadCount;
    }

    public int ThreadCount { get; }

    public DeviceKind Kind => DeviceKind.Cpu;

    public string? CheckAvailability(int index) => index == 0 ? null : $"the CPU backend has only device 0, not {index}";

    public IBackend Create(int index)
    {
        if (CheckAvailability(index) is { } reason) throw new DeviceUnavailableException($"cpu:{index}", reason);
        return new CpuBackend(ThreadCount);
    }
}
