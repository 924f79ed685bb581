using DeepSeek.Sdk.Backends.Cpu;

namespace DeepSeek.Sdk.Core.Tests.Backends;

public sealed class CpuThreadPoolTests
{
    private unsafe struct MarkWork : IRangeWork
    {
        public int* Marks;

        public readonly void Execute(int start, int end)
        {
            for (int i = start; i < end; i++) Interlocked.Increment(ref Marks[i]);
        }
    }

    private struct FailingWork : IRangeWork
    {
        public readonly void Execute(int start, int end) => throw new InvalidOperationException("boom");
    }

    [Theory]
    [InlineData(1, 1000)]
    [InlineData(3, 1)]
    [InlineData(4, 1001)]
    public unsafe void Every_index_runs_exactly_once(int threads, int total)
    {
        using var pool = new CpuThreadPool(threads);
        var marks = new int[total];
        fixed (int* p = marks)
        {
            var work = new MarkWork { Marks = p };
            for (int run = 0; run < 20; run++) pool.Run(ref work, total, minChunk: 7);
        }
        Assert.All(marks, m => Assert.Equal(20, m));
    }

    [Fact]
    public void A_failure_on_any_thread_reaches_the_caller()
    {
        using var pool = new CpuThreadPool(3);
        var work = new FailingWork();
        var e = Assert.ThrowsAny<Exception>(() => pool.Run(ref work, 100, 1));
        Assert.Contains("boom", e.InnerException?.Message ?? e.Message);
    }

    [Fact]
    public void A_thread_count_past_the_cap_is_refused_before_any_thread_starts()
    {
        // 100,000 threads exhaust the process and end the runtime; the cap keeps a typo from doing that.
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new CpuThreadPool(100_000));
        Assert.Equal("threadCount", e.ParamName);
        Assert.Contains($"between 1 and {CpuThreadPool.MaxThreadCount}", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CpuBackend(CpuBackend.MaxThreadCount + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Runtime.CpuBackendFactory(100_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CpuThreadPool(-1));
    }

    [Fact]
    public void The_cap_allows_four_threads_per_processor_and_never_fewer_than_64()
    {
        Assert.Equal(Math.Clamp(4 * Environment.ProcessorCount, 64, 1024), CpuThreadPool.MaxThreadCount);
        using var pool = new CpuThreadPool(Math.Min(CpuThreadPool.MaxThreadCount, 8));
        Assert.Equal(Math.Min(CpuThreadPool.MaxThreadCount, 8), pool.ThreadCount);
    }
}
