using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace DeepSeek.Sdk.Backends.Cpu;

/// <summary>A persistent set of worker threads that run one range-partitioned <see cref="IRangeWork"/> at a
/// time. The caller's thread takes part, chunks are handed out through an atomic counter (so a core
/// slowed by other load simply takes fewer chunks), and a run allocates nothing: the work struct stays on
/// the caller's stack and workers reach it through a pointer while the caller waits.
/// <para>Decoding issues hundreds of short runs per token (each a ~1 MB weight product taking tens of
/// microseconds), so the hand-off must cost far less than that. Idle workers spin on the run counter for
/// <see cref="SpinMicroseconds"/> before sleeping, so back-to-back runs start without a kernel wake-up; and a worker
/// must join a run before it may touch it, so the caller never waits for a worker that is still asleep: once every
/// chunk is claimed it closes the run and waits only for workers that joined, each finishing its last chunk.</para></summary>
public sealed unsafe class CpuThreadPool : IDisposable
{
    /// <summary>How long an idle worker watches for the next run before it sleeps.</summary>
    public const int SpinMicroseconds = 200;

    // _state: count of workers inside the current run, plus Closed once the caller stops admitting them.
    private const int Closed = 1 << 30;

    private readonly Thread[] _workers;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Lock _runLock = new();
    private readonly long _spinTicks = Math.Max(1, Stopwatch.Frequency * SpinMicroseconds / 1_000_000);

    // The run in progress; written by the caller before it opens the run, read by workers after joining.
    private delegate*<void*, int, int, void> _invoke;
    private void* _work;
    private int _total;
    private int _chunkSize;
    private int _chunkCount;
    private int _nextChunk;
    private Exception? _failure;
    private int _state = Closed;
    private int _epoch;
    private int _sleepers;
    private volatile bool _disposed;

    /// <param name="threadCount">Threads that run work, the caller's included: 0 means one per logical processor, at
    /// most <see cref="MaxThreadCount"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threadCount"/> is negative or above <see cref="MaxThreadCount"/>.</exception>
    public CpuThreadPool(int threadCount = 0)
    {
        ValidateThreadCount(threadCount, nameof(threadCount));
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

    /// <summary>The most threads a pool accepts: 4 per logical processor, within [64, 1024]. Kernels gain nothing past
    /// one thread per processor, and each thread reserves a stack, so a count far above it is a mistake (a typo, a
    /// config from another machine); 100,000 threads exhaust the process and end the runtime. The floor of 64 lets a
    /// setting made for a larger machine still run on a small one.</summary>
    public static int MaxThreadCount { get; } = Math.Clamp(4 * Environment.ProcessorCount, 64, 1024);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming <paramref name="option"/> unless
    /// <paramref name="threadCount"/> is 0 (one per logical processor) or in [1, <see cref="MaxThreadCount"/>].</summary>
    public static void ValidateThreadCount(int threadCount, string option)
    {
        if (threadCount < 0 || threadCount > MaxThreadCount)
            throw new ArgumentOutOfRangeException(option, threadCount,
                $"{option} must be 0 (one thread per logical processor) or between 1 and {MaxThreadCount} (4 per logical processor, at least 64, at most 1024); got {threadCount}.");
    }

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
            Volatile.Write(ref _state, 0); // open: workers may join from here on
            Interlocked.Increment(ref _epoch);
            int sleepers = Interlocked.Exchange(ref _sleepers, 0);
            if (sleepers > 0) _wake.Release(sleepers);
            RunChunks();

            // Every chunk is claimed. Close the run and wait for the workers that joined to finish theirs; a worker
            // waking after this sees the run closed and never touches the caller's work struct.
            if ((Interlocked.Or(ref _state, Closed) & ~Closed) != 0)
            {
                var spin = new SpinWait();
                while (Volatile.Read(ref _state) != Closed) spin.SpinOnce(sleep1Threshold: -1);
            }
            _work = null;
            if (_failure is { } failure) throw new AggregateException("A CPU kernel failed on a worker thread.", failure);
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Interlocked.Increment(ref _epoch);
        if (_workers.Length > 0) _wake.Release(_workers.Length);
        foreach (var worker in _workers) worker.Join();
        _wake.Dispose();
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
        int seen = Volatile.Read(ref _epoch);
        while (true)
        {
            seen = WaitForRun(seen);
            if (_disposed) return;
            TryJoin();
        }
    }

    /// <summary>Spins until the run counter moves past <paramref name="seen"/>, then sleeps; returns the counter.
    /// A wake-up with no new run (a permit left from an earlier run) just leads to another look at the open run.</summary>
    private int WaitForRun(int seen)
    {
        long deadline = Stopwatch.GetTimestamp() + _spinTicks;
        int epoch;
        while ((epoch = Volatile.Read(ref _epoch)) == seen)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                Interlocked.Increment(ref _sleepers);
                if ((epoch = Volatile.Read(ref _epoch)) != seen) return epoch;
                _wake.Wait();
                return Volatile.Read(ref _epoch);
            }
            Thread.SpinWait(20);
        }
        return epoch;
    }

    private void TryJoin()
    {
        int state = Volatile.Read(ref _state);
        while ((state & Closed) == 0)
        {
            int previous = Interlocked.CompareExchange(ref _state, state + 1, state);
            if (previous == state)
            {
                RunChunks();
                Interlocked.Decrement(ref _state);
                return;
            }
            state = previous;
        }
    }
}
