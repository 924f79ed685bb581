using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Backends.Cuda;
using DeepSeek.Sdk.Tensors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DeepSeek.Sdk.Runtime;

/// <summary>The NVIDIA GPU backend. Availability is probed without creating a context (driver library, a device of
/// that index with compute capability 7.0 or newer, NVRTC and cuBLAS present), so that
/// <see cref="DeviceSelection.Auto"/> can ask on any machine and fall back to the CPU with the reason.</summary>
public sealed class CudaBackendFactory(CudaBackendOptions? options = null, ILogger? logger = null) : IBackendFactory
{
    private readonly CudaBackendOptions _options = options ?? new CudaBackendOptions();
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    public DeviceKind Kind => DeviceKind.Cuda;

    public string? CheckAvailability(int index)
    {
        try
        {
            CudaBackend.Probe(index, out _);
            return null;
        }
        catch (CudaUnavailableException e)
        {
            return e.Reason;
        }
        catch (Exception e) when (e is CudaException or DllNotFoundException or EntryPointNotFoundException)
        {
            return $"probing cuda:{index} failed: {e.Message}";
        }
    }

    public IBackend Create(int index)
    {
        try
        {
            return CudaBackend.Create(index, _options, _logger);
        }
        catch (CudaUnavailableException e)
        {
            throw new DeviceUnavailableException($"cuda:{index}", e.Reason);
        }
    }
}
