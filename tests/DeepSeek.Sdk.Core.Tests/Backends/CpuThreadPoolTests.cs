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
}
