using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using DeepSeek.Sdk.Backends.Cuda.Interop;
using DeepSeek.Sdk.Tensors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DeepSeek.Sdk.Backends.Cuda;

/// <summary>The NVIDIA GPU backend, reached through P/Invoke only (driver API, NVRTC, cuBLAS), so the same package
/// runs on machines with and without CUDA. Tensors live in device memory from a caching pool; every operation is
/// queued on one stream and returns at once; <see cref="CopyToHost"/> and <see cref="Synchronize"/> wait, and
/// are where errors that kernels report (an id outside the vocabulary, a position outside a table) are thrown.
/// Kernels are the embedded Kernels/*.cu sources, compiled by NVRTC for the GPU present and cached on disk.
/// Activations are F32 as on the CPU; weights stay in their stored dtype (F32, BF16, F16, or FP8 with block
/// scales): decode-shaped products stream them through a GEMV kernel, larger ones go to cuBLAS in BF16 with F32
/// accumulation. Not thread-safe: one caller at a time, as with the models that use it.</summary>
public sealed unsafe partial class CudaBackend : IBackend
{
    private static long s_nextId;

    [ThreadStatic]
    private static long t_currentBackend;

    private readonly long _id = Interlocked.Increment(ref s_nextId);
    private readonly SafeCudaContextHandle _context;
    private readonly SafeCudaStreamHandle _streamHandle;
    private readonly IntPtr _stream;
    private readonly DeviceMemoryPool _pool = new();
    private readonly PinnedStaging _staging;
    private readonly DeviceErrorRecord _errors;
    private readonly CudaKernels _kernels;
    private readonly SafeCublasHandle _cublasHandle;
    private readonly IntPtr _cublas;
    private readonly DeviceScratch _scratch;
    private readonly Dictionary<string, (ulong Pointer, int Count)> _counters = new(StringComparer.Ordinal);
    private readonly CudaChecks _checks;
    private readonly ILogger _logger;
    private readonly CudaBackendOptions _options;
    private readonly KernelTable _functions;
    private readonly Dictionary<IntPtr, int> _sharedOptIn = [];
    private readonly SegmentGraphs _graphs;
    private SafePinnedHostMemory? _download;
    private bool _disposed;

    private CudaBackend(int deviceIndex, int device, CudaDeviceInfo info, CudaBackendOptions options, ILogger logger)
    {
        _logger = logger;
        _options = options;
        Info = info;
        Device = Device.Cuda(deviceIndex);
        _context = SafeCudaContextHandle.Retain(device);
        try
        {
            CudaException.Check(CudaDriver.CtxSetCurrent(_context.DangerousGetHandle()), "cuCtxSetCurrent");
            t_currentBackend = _id;
            _streamHandle = SafeCudaStreamHandle.Create(_context);
            _stream = _streamHandle.Raw;
            _staging = new PinnedStaging(_context);
            _errors = new DeviceErrorRecord(_context);
            string? cache = options.KernelCacheDirectory is null ? KernelCompiler.DefaultCacheDirectory()
                : options.KernelCacheDirectory.Length == 0 ? null : options.KernelCacheDirectory;
            _kernels = new CudaKernels(_context, new KernelCompiler(cache, logger), info.ComputeCapabilityMajor, info.ComputeCapabilityMinor, logger);
            _cublasHandle = SafeCublasHandle.Create(_context);
            _cublas = _cublasHandle.Raw;
            CudaException.CheckCublas(Cublas.SetStream(_cublas, _stream), "cublasSetStream_v2");
            // A fixed workspace: cuBLAS then never allocates on its own, which CUDA graph capture requires.
            const int workspaceBytes = 32 << 20;
            CudaException.CheckCublas(Cublas.SetWorkspace(_cublas, _pool.Rent(workspaceBytes), workspaceBytes), "cublasSetWorkspace_v2");
            _scratch = new DeviceScratch(_pool);
            _checks = new CudaChecks(_pool, Device);
            _functions = new KernelTable(_kernels);
            bool programmatic = options.ProgrammaticDependentLaunch && info.ComputeCapabilityMajor >= 9;
            _graphs = new SegmentGraphs(_context, _stream, _cublas, _pool, _staging, options.CudaGraphs ?? !programmatic, programmatic, logger);
        }
        catch
        {
            _kernels?.Dispose();
            _cublasHandle?.Dispose();
            _errors?.Dispose();
            _staging?.Dispose();
            _pool.Dispose();
            _streamHandle?.Dispose();
            _context.Dispose();
            throw;
        }
        logger.LogInformation("CUDA backend on {Device}.", info);
    }

    public Device Device { get; }

    public CudaDeviceInfo Info { get; }

    /// <summary>Device bytes held by tensors and by the pool's cache.</summary>
    public (long Live, long Cached) MemoryInUse => (_pool.LiveBytes, _pool.CachedBytes);

    /// <summary>Whether repeated work between host waits is replayed as CUDA graphs (<see cref="SegmentGraphs"/>);
    /// see <see cref="CudaBackendOptions.CudaGraphs"/> for the default; switched off for good if a capture fails.</summary>
    public bool CudaGraphs
    {
        get => _graphs.Enabled;
        set
        {
            Enter();
            _graphs.Enabled = value;
        }
    }

    /// <summary>Counters since the backend started: kernels and GEMMs launched one by one, graphs replayed and captured,
    /// and segments that began like a captured graph but then differed.</summary>
    public (long Launches, long GraphReplays, long GraphCaptures, long GraphFallbacks) Statistics =>
        (_graphs.Launches, _graphs.Replays, _graphs.Captures, _graphs.Fallbacks);

    /// <summary>Kernel sources compiled at start, and how many came from the disk cache.</summary>
    public (int Sources, int FromCache) KernelCompilation => (_kernels.SourceCount, _kernels.CachedCount);

    /// <summary>Creates a backend on GPU <paramref name="deviceIndex"/>, or says why not: no driver or GPU, a missing
    /// library (NVRTC, cuBLAS), an index out of range, or a failure while starting (with the CUDA error name).</summary>
    public static bool TryCreate(int deviceIndex, [NotNullWhen(true)] out CudaBackend? backend, [NotNullWhen(false)] out string? whyNot,
        CudaBackendOptions? options = null, ILogger? logger = null)
    {
        backend = null;
        try
        {
            backend = Create(deviceIndex, options, logger);
            whyNot = null;
            return true;
        }
        catch (CudaUnavailableException e)
        {
            whyNot = e.Reason;
        }
        catch (Exception e) when (e is CudaException or KernelCompilationException or DllNotFoundException or EntryPointNotFoundException or OutOfMemoryException)
        {
            whyNot = $"starting the CUDA backend on cuda:{deviceIndex} failed: {e.Message}";
        }
        return false;
    }

    /// <summary>Creates a backend on GPU <paramref name="deviceIndex"/>; throws <see cref="CudaUnavailableException"/>
    /// with the reason when there is none to be had.</summary>
    public static CudaBackend Create(int deviceIndex = 0, CudaBackendOptions? options = null, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        options ??= new CudaBackendOptions();
        if (options.GemvMaxRows is < 0 or > 8)
            throw new ArgumentOutOfRangeException(nameof(options), $"GemvMaxRows must be in 0..8, got {options.GemvMaxRows}.");
        var info = Probe(deviceIndex, out int device);
        return new CudaBackend(deviceIndex, device, info, options, logger);
    }

    /// <summary>Checks the libraries and the device without creating a context; throws <see cref="CudaUnavailableException"/>.</summary>
    public static CudaDeviceInfo Probe(int deviceIndex, out int device)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(deviceIndex);
        if (!CudaLibraries.TryLoad(CudaLibraries.Driver, out string? why))
            throw new CudaUnavailableException($"no NVIDIA driver library: {why}");
        int result = CudaDriver.Init(0);
        if (result != CudaDriver.Success)
            throw new CudaUnavailableException($"cuInit failed with {CudaDriver.ErrorName(result)}: {CudaDriver.ErrorText(result)}");
        int count;
        CudaException.Check(CudaDriver.DeviceGetCount(&count), "cuDeviceGetCount");
        if (deviceIndex >= count)
            throw new CudaUnavailableException(count == 0 ? "the driver sees no GPU" : $"there is no cuda:{deviceIndex} ({count} GPU(s) present)");
        if (!CudaLibraries.TryLoad(CudaLibraries.Nvrtc, out why))
            throw new CudaUnavailableException($"NVRTC (runtime compiler) is missing: {why}");
        if (!CudaLibraries.TryLoad(CudaLibraries.Cublas, out why))
            throw new CudaUnavailableException($"cuBLAS is missing: {why}");
        int d;
        CudaException.Check(CudaDriver.DeviceGet(&d, deviceIndex), "cuDeviceGet");
        device = d;
        byte* name = stackalloc byte[256];
        CudaException.Check(CudaDriver.DeviceGetName(name, 256, d), "cuDeviceGetName");
        int major, minor, sms, driver;
        nuint memory;
        CudaException.Check(CudaDriver.DeviceGetAttribute(&major, CudaDriver.AttributeComputeCapabilityMajor, d), "cuDeviceGetAttribute");
        CudaException.Check(CudaDriver.DeviceGetAttribute(&minor, CudaDriver.AttributeComputeCapabilityMinor, d), "cuDeviceGetAttribute");
        CudaException.Check(CudaDriver.DeviceGetAttribute(&sms, CudaDriver.AttributeMultiprocessorCount, d), "cuDeviceGetAttribute");
        CudaException.Check(CudaDriver.DeviceTotalMem(&memory, d), "cuDeviceTotalMem");
        CudaException.Check(CudaDriver.DriverGetVersion(&driver), "cuDriverGetVersion");
        if (major < 7)
            throw new CudaUnavailableException($"cuda:{deviceIndex} has compute capability {major}.{minor}; the kernels need 7.0 or newer");
        return new CudaDeviceInfo(deviceIndex, Marshal.PtrToStringUTF8((IntPtr)name) ?? "GPU", major, minor, sms, (long)memory,
            $"{driver / 1000}.{driver % 1000 / 10}", KernelCompiler.NvrtcVersion());
    }

    public Tensor Allocate(DType dtype, Shape shape)
    {
        Enter();
        var t = AllocateUninitialized(dtype, shape);
        if (t.ByteCount > 0) _graphs.Memset(CudaChecks.Address(t), t.ByteCount);
        return t;
    }

    public Tensor Upload(Tensor host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (host.Storage is CudaStorage storage)
        {
            if (storage.Belongs(_pool)) return host;
            throw new ArgumentException($"{nameof(Upload)}: the tensor lives on another backend's {host.Device}.", nameof(host));
        }
        if (host.Storage is not HostStorage)
            throw new ArgumentException($"{nameof(Upload)}: the tensor lives on {host.Device}, not the host.", nameof(host));
        if (!host.IsContiguous)
            throw new ArgumentException($"{nameof(Upload)}: host tensor {host.Shape} must be contiguous.", nameof(host));
        Enter();
        var device = AllocateUninitialized(host.DType, host.Shape);
        if (host.ByteCount > 0) _graphs.Upload(host.DataPointer, host.ByteCount, CudaChecks.Address(device));
        if (host.Scales is { } scales)
            device = device.WithScales(scales with { Scales = Upload(scales.Scales) }, "uploaded weight");
        return device;
    }

    public void CopyToHost(Tensor source, Tensor destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (destination.Storage is not HostStorage || !destination.IsContiguous)
            throw new ArgumentException($"{nameof(CopyToHost)}: 'destination' must be a contiguous host tensor.", nameof(destination));
        if (destination.DType != source.DType)
            throw new ArgumentException($"{nameof(CopyToHost)}: 'destination' must be {source.DType}, got {destination.DType}.", nameof(destination));
        OperationShapes.SameShape(source, destination, nameof(CopyToHost), nameof(source), nameof(destination));
        Enter();
        Download(source, (byte*)destination.DataPointer);
    }

    public void CopyToHost<T>(Tensor source, Span<T> destination) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(source);
        if ((long)destination.Length * sizeof(T) != source.ByteCount)
            throw new ArgumentException($"{nameof(CopyToHost)}: 'destination' holds {(long)destination.Length * sizeof(T)} bytes; source {source.Shape} {source.DType} has {source.ByteCount}.", nameof(destination));
        Enter();
        fixed (T* p = destination) Download(source, (byte*)p);
    }

    // source.ByteCount bytes into host memory, after the queued work.
    private void Download(Tensor source, byte* destination)
    {
        if (source.Storage is HostStorage)
        {
            if (!source.IsContiguous) throw new ArgumentException($"{nameof(CopyToHost)}: 'source' {source.Shape} must be contiguous.", nameof(source));
            Synchronize();
            Buffer.MemoryCopy(source.DataPointer, destination, source.ByteCount, source.ByteCount);
            return;
        }
        _checks.OnDevice(source, nameof(CopyToHost), nameof(source));
        _graphs.EndSegment();
        // Through a pinned buffer: the DMA engine writes it directly, where pageable memory would be staged by the driver.
        const long chunk = 16 << 20;
        _download ??= SafePinnedHostMemory.Allocate(_context, chunk, mapped: false);
        ulong address = CudaChecks.Address(source);
        for (long done = 0; done < source.ByteCount; done += chunk)
        {
            long n = Math.Min(chunk, source.ByteCount - done);
            CudaException.Check(CudaDriver.MemcpyDtoHAsync(_download.Pointer, address + (ulong)done, (nuint)n, _stream), "cuMemcpyDtoHAsync");
            WaitForStream();
            Buffer.MemoryCopy(_download.Pointer, destination + done, n, n);
        }
        if (source.ByteCount == 0) WaitForStream();
        _errors.ThrowIfSet();
    }

    public void CopyFromHost(Tensor source, Tensor destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (source.Storage is not HostStorage || !source.IsContiguous)
            throw new ArgumentException($"{nameof(CopyFromHost)}: 'source' must be a contiguous host tensor.", nameof(source));
        Enter();
        _checks.Type(destination, source.DType, nameof(CopyFromHost), nameof(destination));
        OperationShapes.SameShape(source, destination, nameof(CopyFromHost), nameof(source), nameof(destination));
        // Through the pinned staging ring, on the stream: ordered after the kernels that still read the old values.
        if (source.ByteCount > 0) _graphs.Upload(source.DataPointer, source.ByteCount, CudaChecks.Address(destination));
    }

    // Per-row (or per-head) counters of the kernels whose last block merges the others' partial results: zero between
    // launches, since that last block resets them, so they are zeroed only when the buffer is made or grown.
    private ulong ZeroedCounters(string role, int count)
    {
        if (!_counters.TryGetValue(role, out var buffer) || buffer.Count < count)
        {
            int size = Math.Max(count, 256);
            buffer = (_scratch.Get(role, size * sizeof(int)), size);
            _graphs.Memset(buffer.Pointer, size * sizeof(int));
            _counters[role] = buffer;
        }
        return buffer.Pointer;
    }

    public void Synchronize()
    {
        Enter();
        _graphs.EndSegment();
        WaitForStream();
        _errors.ThrowIfSet();
    }

    private void WaitForStream()
    {
        CudaException.Check(CudaDriver.StreamSynchronize(_stream), "cuStreamSynchronize");
        _pool.ReleaseQuarantine();
    }

    public void Dispose()
    {
        if (_disposed) return;
        Enter();
        try
        {
            CudaDriver.StreamSynchronize(_stream);
        }
        finally
        {
            _disposed = true;
            _graphs.Dispose();
            _download?.Dispose();
            _kernels.Dispose();
            _cublasHandle.Dispose();
            _errors.Dispose();
            _staging.Dispose();
            _pool.Dispose();
            _streamHandle.Dispose();
            _context.Dispose();
        }
    }

    public override string ToString() => $"CudaBackend({Info})";

    private Tensor AllocateUninitialized(DType dtype, Shape shape)
    {
        long bytes = shape.ElementCount * dtype.SizeOf();
        ulong pointer = _pool.Rent(bytes);
        return new Tensor(new CudaStorage(_pool, pointer, bytes, Device), dtype, shape);
    }

    // Makes this backend's context current on the calling thread (the driver keeps one per thread); skipped when
    // this thread's last call already did.
    private void Enter()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (t_currentBackend == _id) return;
        CudaException.Check(CudaDriver.CtxSetCurrent(_context.DangerousGetHandle()), "cuCtxSetCurrent");
        t_currentBackend = _id;
    }
}
