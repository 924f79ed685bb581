using System.Diagnostics;
using DeepSeek.Sdk.Backends;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DeepSeek.Sdk.Runtime;

/// <summary>Owns one model on one backend and hands it out to one caller at a time. A model keeps shared workspaces
/// (one forward at a time), so every request first takes a <see cref="ModelLease{TModel}"/>; leases are granted in
/// arrival order (<see cref="FairAsyncLock"/>), so many concurrent callers can share one model and none starves.
/// The model is loaded on first use (or by <see cref="LoadAsync"/>, e.g. at startup or behind a progress bar); one
/// load serves every caller that arrives meanwhile, and a failed load is retried by the next caller.</summary>
public sealed class ModelHost<TModel> : IDisposable, IAsyncDisposable
    where TModel : class, IDisposable
{
    private readonly BackendProvider? _backends;
    private readonly ModelLoader<TModel>? _loader;
    private readonly bool _ownsModel;
    private readonly ILogger _logger;
    private readonly FairAsyncLock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task<TModel>? _loading;
    private TModel? _model;
    private int _disposed;

    /// <summary>A host that loads its model lazily with <paramref name="loader"/> on the backend of <paramref name="backends"/>.</summary>
    /// <param name="name">Names the model in logs (e.g. its directory).</param>
    public ModelHost(string name, BackendProvider backends, ModelLoader<TModel> loader, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(backends);
        ArgumentNullException.ThrowIfNull(loader);
        Name = name;
        _backends = backends;
        _loader = loader;
        _ownsModel = true;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>A host around a model that is already loaded; it disposes the model only when <paramref name="ownsModel"/>.</summary>
    public ModelHost(TModel model, string name = "model", bool ownsModel = false, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Name = name;
        _model = model;
        _loading = Task.FromResult(model);
        _ownsModel = ownsModel;
        _logger = logger ?? NullLogger.Instance;
    }

    public string Name { get; }

    public bool IsLoaded => Volatile.Read(ref _model) is not null;

    /// <summary>Callers waiting for the model behind the current one.</summary>
    public int QueueLength => _lock.QueueLength;

    /// <summary>What the last load reported when it finished (tensors and bytes built); default before a load.</summary>
    public ModelLoadProgress LoadedSize { get; private set; }

    /// <summary>How long the load took; zero for a host given a loaded model.</summary>
    public TimeSpan LoadTime { get; private set; }

    internal CancellationToken Stopping => _stopping.Token;

    /// <summary>Loads the model if it is not loaded yet. Callers that arrive during a load wait for the same load;
    /// only the caller that starts it receives <paramref name="progress"/>. Cancelling stops this caller's wait, not the
    /// load (others may need it).</summary>
    public Task<TModel> LoadAsync(IProgress<ModelLoadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _model) is { } loaded) return Task.FromResult(loaded);
        Task<TModel> loading;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            loading = _loading ??= Task.Run(() => Load(progress));
        }
        return loading.WaitAsync(cancellationToken);
    }

    /// <summary>Waits (in arrival order) for exclusive use of the model, loading it first if needed.</summary>
    public async ValueTask<ModelLease<TModel>> AcquireAsync(CancellationToken cancellationToken = default)
    {
        var model = Volatile.Read(ref _model) ?? await LoadAsync(null, cancellationToken).ConfigureAwait(false);
        long queued = Stopwatch.GetTimestamp();
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_disposed != 0)
        {
            _lock.Release(); // pass the lock on so every queued caller learns the host is gone
            throw new ObjectDisposedException(GetType().Name, $"The model host '{Name}' was disposed while the caller waited.");
        }
        return new ModelLease<TModel>(this, model, Stopwatch.GetElapsedTime(queued));
    }

    internal void Release() => _lock.Release();

    /// <summary>Cancels running work through <see cref="ModelLease{TModel}.HostStopping"/>, waits for the current
    /// lease to end, then disposes the model (when owned). Do not call it while holding a lease.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task<TModel>? loading;
        lock (_gate) loading = _loading;
        if (loading is not null)
        {
            try
            {
                await loading.ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A failed load leaves nothing to dispose; it was logged where it failed.
            }
        }
        await _lock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_ownsModel) Volatile.Read(ref _model)?.Dispose();
        }
        finally
        {
            _lock.Release();
            _stopping.Dispose();
        }
    }

    private TModel Load(IProgress<ModelLoadProgress>? progress)
    {
        var watch = Stopwatch.StartNew();
        var tracked = new LastProgress(progress);
        try
        {
            var backend = _backends!.Backend;
            _logger.LogInformation("Loading {Model} on {Device}.", Name, backend.Device);
            var model = _loader!(backend, tracked, _stopping.Token);
            LoadTime = watch.Elapsed;
            LoadedSize = tracked.Last;
            Volatile.Write(ref _model, model);
            if (tracked.Last.TotalTensors > 0)
                _logger.LogInformation("Loaded {Model} on {Device} in {Milliseconds} ms: {Tensors} tensors, {Bytes} bytes of weights.",
                    Name, backend.Device, (long)watch.Elapsed.TotalMilliseconds, tracked.Last.TensorsLoaded, tracked.Last.BytesLoaded);
            else
                _logger.LogInformation("Loaded {Model} on {Device} in {Milliseconds} ms.", Name, backend.Device, (long)watch.Elapsed.TotalMilliseconds);
            return model;
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Loading {Model} failed after {Milliseconds} ms.", Name, (long)watch.Elapsed.TotalMilliseconds);
            lock (_gate) _loading = null; // the next caller tries again
            throw;
        }
    }

    /// <summary>Forwards reports synchronously and remembers the last (for the load log).</summary>
    private sealed class LastProgress(IProgress<ModelLoadProgress>? target) : IProgress<ModelLoadProgress>
    {
        public ModelLoadProgress Last { get; private set; }

        public void Report(ModelLoadProgress value)
        {
            Last = value;
            target?.Report(value);
        }
    }
}
