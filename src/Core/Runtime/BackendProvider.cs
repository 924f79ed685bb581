using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Tensors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DeepSeek.Sdk.Runtime;

/// <summary>Owns the process's one backend: resolves the requested <see cref="DeviceSelection"/> against the
/// registered <see cref="IBackendFactory"/>s, creates the backend on first use, logs which device was chosen and
/// why, and disposes it. Every model host of an application shares it, so weights of several pipelines live on one
/// device and the CPU backend's worker threads exist once.</summary>
public sealed class BackendProvider : IDisposable
{
    private readonly IBackendFactory[] _factories;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private IBackend? _backend;
    private bool _disposed;

    public BackendProvider(DeviceSelection requested, IEnumerable<IBackendFactory> factories, ILogger<BackendProvider>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(factories);
        Requested = requested;
        _factories = [.. factories];
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>A provider over the CPU backend alone (applications without dependency injection).</summary>
    public static BackendProvider ForCpu(int threadCount = 0) => new(DeviceSelection.Cpu, [new CpuBackendFactory(threadCount)]);

    /// <summary>A provider over the CPU and CUDA backends (applications without dependency injection): what
    /// <c>AddDeepSeek</c> registers.</summary>
    public static BackendProvider For(DeviceSelection requested, int cpuThreads = 0, ILoggerFactory? loggers = null) =>
        new(requested, [new CpuBackendFactory(cpuThreads), new CudaBackendFactory(logger: loggers?.CreateLogger<CudaBackendFactory>())],
            loggers?.CreateLogger<BackendProvider>());

    public DeviceSelection Requested { get; }

    /// <summary>Whether the backend has been created.</summary>
    public bool IsCreated => Volatile.Read(ref _backend) is not null;

    /// <summary>The backend, created on first access (thread-safe). Throws <see cref="DeviceUnavailableException"/>
    /// when an explicitly requested device cannot be used.</summary>
    public IBackend Backend
    {
        get
        {
            if (Volatile.Read(ref _backend) is { } existing) return existing;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_backend is not null) return _backend;
                var (factory, index, reason) = Resolve(Requested, _factories);
                var backend = factory.Create(index);
                _logger.LogInformation("Backend for device '{Requested}': {Device} ({Reason}).", Requested, backend.Device, reason);
                Volatile.Write(ref _backend, backend);
                return backend;
            }
        }
    }

    /// <summary>Picks the factory and device index for <paramref name="requested"/>. Auto takes the first available
    /// non-CPU factory, else the CPU; the reason says why (for the log).</summary>
    public static (IBackendFactory Factory, int Index, string Reason) Resolve(DeviceSelection requested, IReadOnlyList<IBackendFactory> factories)
    {
        ArgumentNullException.ThrowIfNull(factories);
        switch (requested.Kind)
        {
            case DeviceSelectionKind.Cpu:
                return (Find(factories, DeviceKind.Cpu, requested), 0, "requested");
            case DeviceSelectionKind.Cuda:
            {
                var cuda = Find(factories, DeviceKind.Cuda, requested);
                if (cuda.CheckAvailability(requested.Index) is { } why) throw new DeviceUnavailableException(requested.ToString(), why);
                return (cuda, requested.Index, "requested");
            }
            default:
            {
                var skipped = new List<string>();
                foreach (var factory in factories)
                {
                    if (factory.Kind == DeviceKind.Cpu) continue;
                    if (factory.CheckAvailability(0) is { } why) skipped.Add($"{factory.Kind.ToString().ToLowerInvariant()}: {why}");
                    else return (factory, 0, $"auto: {factory.Kind.ToString().ToLowerInvariant()}:0 is available");
                }
                var cpu = Find(factories, DeviceKind.Cpu, requested);
                string reason = skipped.Count == 0
                    ? "auto: no GPU backend is registered in this build, so the CPU runs the model"
                    : "auto: falling back to the CPU because " + string.Join("; ", skipped);
                return (cpu, 0, reason);
            }
        }
    }

    public void Dispose()
    {
        IBackend? backend;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            backend = _backend;
            _backend = null;
        }
        backend?.Dispose();
    }

    private static IBackendFactory Find(IReadOnlyList<IBackendFactory> factories, DeviceKind kind, DeviceSelection requested)
    {
        foreach (var factory in factories)
            if (factory.Kind == kind) return factory;
        throw new DeviceUnavailableException(requested.ToString(), $"no {kind.ToString().ToLowerInvariant()} backend is registered");
    }
}
