using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Runtime;

namespace DeepSeek.Sdk.Text.Tests.Runtime;

public sealed class ModelHostTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A model that counts how many callers use it at once and whether it was disposed.</summary>
    private sealed class ProbeModel : IDisposable
    {
        private int _inside;

        public int MaxConcurrent { get; private set; }

        public bool Disposed { get; private set; }

        public void Use()
        {
            int now = Interlocked.Increment(ref _inside);
            lock (this) MaxConcurrent = Math.Max(MaxConcurrent, now);
            Thread.Sleep(2);
            Interlocked.Decrement(ref _inside);
        }

        public void Dispose() => Disposed = true;
    }

    [Fact]
    public async Task The_model_loads_once_on_first_use_however_many_callers_arrive_together()
    {
        int loads = 0;
        using var backends = BackendProvider.ForCpu(1);
        var host = new ModelHost<ProbeModel>("probe", backends, (backend, _, _) =>
        {
            Interlocked.Increment(ref loads);
            Thread.Sleep(50);
            return new ProbeModel();
        });
        Assert.False(host.IsLoaded);
        Assert.False(backends.IsCreated); // lazy: not even the backend exists before the first request

        var users = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            using var lease = await host.AcquireAsync(Token);
            lease.Model.Use();
        }, Token)).ToArray();
        await Task.WhenAll(users);

        Assert.Equal(1, loads);
        Assert.True(host.IsLoaded);
        Assert.True(backends.IsCreated);
        await host.DisposeAsync();
    }

    [Fact]
    public async Task Leases_never_overlap_under_many_concurrent_callers()
    {
        var model = new ProbeModel();
        await using var host = new ModelHost<ProbeModel>(model);
        var users = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < 5; i++)
            {
                using var lease = await host.AcquireAsync(Token);
                lease.Model.Use();
            }
        }, Token)).ToArray();
        await Task.WhenAll(users);
        Assert.Equal(1, model.MaxConcurrent);
    }

    [Fact]
    public async Task A_failed_load_is_reported_to_its_callers_and_retried_by_the_next()
    {
        int attempts = 0;
        using var backends = BackendProvider.ForCpu(1);
        await using var host = new ModelHost<ProbeModel>("flaky", backends, (_, _, _) =>
            ++attempts == 1 ? throw new IOException("disk hiccup") : new ProbeModel());

        var e = await Assert.ThrowsAsync<IOException>(async () => await host.AcquireAsync(Token));
        Assert.Equal("disk hiccup", e.Message);
        using (var lease = await host.AcquireAsync(Token)) lease.Model.Use();
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task Load_progress_reaches_the_caller_that_starts_the_load_and_is_kept_for_the_log()
    {
        using var backends = BackendProvider.ForCpu(1);
        await using var host = new ModelHost<ProbeModel>("reporting", backends, (_, progress, _) =>
        {
            progress?.Report(new ModelLoadProgress("layer 1/2", 3, 7, 300, 700));
            progress?.Report(new ModelLoadProgress("done", 7, 7, 700, 700));
            return new ProbeModel();
        });
        var seen = new List<ModelLoadProgress>();
        await host.LoadAsync(new SynchronousProgress(seen.Add), Token);

        Assert.Equal(["layer 1/2", "done"], seen.Select(p => p.Stage));
        Assert.Equal(7, host.LoadedSize.TensorsLoaded);
        Assert.Equal(700, host.LoadedSize.BytesLoaded);
        Assert.Equal(1.0, seen[^1].Fraction);
        Assert.True(host.LoadTime > TimeSpan.Zero);
    }

    [Fact]
    public async Task Disposing_waits_for_the_running_lease_cancels_it_and_then_disposes_the_owned_model()
    {
        using var backends = BackendProvider.ForCpu(1);
        var host = new ModelHost<ProbeModel>("owned", backends, (_, _, _) => new ProbeModel());
        var lease = await host.AcquireAsync(Token);
        var queued = host.AcquireAsync(Token).AsTask();

        var disposing = host.DisposeAsync().AsTask();
        await Task.Delay(50, Token);
        Assert.False(disposing.IsCompleted); // the lease is still running
        Assert.True(lease.HostStopping.IsCancellationRequested);
        Assert.False(lease.Model.Disposed);

        lease.Dispose();
        await disposing.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.True(lease.Model.Disposed);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => queued);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await host.AcquireAsync(Token));
    }

    [Fact]
    public async Task A_host_given_a_loaded_model_does_not_dispose_it_unless_it_owns_it()
    {
        var borrowed = new ProbeModel();
        await new ModelHost<ProbeModel>(borrowed).DisposeAsync();
        Assert.False(borrowed.Disposed);

        var owned = new ProbeModel();
        await new ModelHost<ProbeModel>(owned, ownsModel: true).DisposeAsync();
        Assert.True(owned.Disposed);
    }

    private sealed class SynchronousProgress(Action<ModelLoadProgress> report) : IProgress<ModelLoadProgress>
    {
        public void Report(ModelLoadProgress value) => report(value);
    }
}
