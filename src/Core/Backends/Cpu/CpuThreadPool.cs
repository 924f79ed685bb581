using System.Runtime.CompilerServices;

namespace DeepSeek.Sdk.Backends.Cpu;

/// <summary>A persistent set of worker threads that run one range-partitioned <see cref="IRangeWork"/> at a
/// time. The caller's thread takes part, chunks are handed out through an atomic counter (so a core
/// slowed by other load simply takes fewer chunks), and a run allocates nothing: the work struct stays on
/// the caller's stack and workers reach it through a pointer while the caller waits.</summary>
public sealed unsafe class CpuThreadPool : IDisposable
{
    private readonly Thread[] _workers;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly ManualResetEventSlim _done = new(false);
    private readonly Lock _runLock = new();

    // The run in progress; written by the caller before waking workers, read by workers after waking.
    private delegate*<void*, int, int, void> _invoke;
    private void* _work;
    private int _total;
    private int _chunkSize;
    private int _chunkCount;
    private int _nextChunk;
    private int _pendingWorkers;
    private Exception? _failure;
    private volatile bool _disposed;

    public CpuThreadPool(int threadCount = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threadCount);
        ThreadCount = threadCount == 0 ? Environment.ProcessorCount : threadCount;
        _workers = new Thread[ThreadCount - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"DeepSeek.Sdk CPU worker {i + 1}" };
            _workers[i].Start();
        }
    }

    /// <summary>Threads that run work, the caller's included.</summary>
    public int ThreadCount { get; }

    /// <summary>Runs <paramref name="work"/> over [0, <paramref name="total"/>) in chunks of at least
    /// <paramref name="minChunk"/> indices; returns when every chunk is done. Work too small for two
    /// chunks runs inline on the caller.</summary>
    public void Run<TWork>(ref TWork work, int total, int minChunk)
        where TWork : struct, IRangeWork
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        if (total == 0) return;
        minChunk = Math.Max(1, minChunk);
        int maxChunks = (total + minChunk - 1) / minChunk;
        // A few chunks per thread balance load when a core is shared, without paying per-chunk overhead.
        int chunks = Math.Min(maxChunks, ThreadCount * 4);
        if (ThreadCount == 1 || chunks <= 1)
        {
            work.Execute(0, total);
            return;
        }
        lock (_runLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _invoke = &Invoke<TWork>;
            _work = Unsafe.AsPointer(ref work);
            _total = total;
            _chunkSize = (total + chunks - 1) / chunks;
            _chunkCount = (total + _chunkSize - 1) / _chunkSize;
            _nextChunk = -1;
            _failure = null;
            int helpers = Math.Min(_workers.Length, _chunkCount - 1);
            _pendingWorkers = helpers;
            _done.Reset();
            if (helpers > 0) _wake.Release(helpers);
            RunChunks();
            if (helpers > 0) _done.Wait();
            _work = null;
            if (_failure is { } failure) throw new AggregateException("A CPU kernel failed on a worker thread.", failure);
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_workers.Length > 0) _wake.Release(_workers.Length);
        foreach (var worker in _workers) worker.Join();
        _wake.Dispose();
        _done.Dispose();
    }

    private static void Invoke<TWork>(void* work, int start, int end)
        where TWork : struct, IRangeWork => Unsafe.AsRef<TWork>(work).Execute(start, end);

    private void RunChunks()
    {
        while (true)
        {
            int chunk = Interlocked.Increment(ref _nextChunk);
            if (chunk >= _chunkCount) return;
            int start = chunk * _chunkSize;
            int end = Math.Min(_total, start + _chunkSize);
            try
            {
                _invoke(_work, start, end);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
            }
        }
    }

    private void WorkerLoop()
    {
        while (true)
        {
            _wake.Wait();
            if (_disposed) return;
            RunChunks();
            if (Interlocked.Decrement(ref _pendingWorkers) == 0) _done.Set();
        }
    }
}
