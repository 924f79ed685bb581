namespace DeepSeek.Sdk.Runtime;

/// <summary>Exclusive use of a hosted model, granted by <see cref="ModelHost{TModel}.AcquireAsync"/> in arrival
/// order. Dispose it to let the next caller in; disposing twice is harmless.</summary>
public sealed class ModelLease<TModel> : IDisposable
    where TModel : class, IDisposable
{
    private readonly ModelHost<TModel> _host;
    private int _released;

    internal ModelLease(ModelHost<TModel> host, TModel model, TimeSpan queueTime)
    {
        _host = host;
        Model = model;
        QueueTime = queueTime;
    }

    public TModel Model { get; }

    /// <summary>How long the caller waited behind others for the model.</summary>
    public TimeSpan QueueTime { get; }

    /// <summary>Cancelled when the host is being disposed: work under the lease should stop at the next step.</summary>
    public CancellationToken HostStopping => _host.Stopping;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) _host.Release();
    }
}
