using System.Diagnostics;

// Shared by every test project (compiled into each through tests/Directory.Build.props).
namespace DeepSeek.Sdk.Tests;

/// <summary>Runs a crafted input through the SDK and checks the issue-15 contract: it answers with the expected typed
/// exception, on one line, within <see cref="TimeLimit"/> and without allocating more than a bound on this thread
/// (the probes that motivated it allocated gigabytes or ran for minutes).</summary>
internal static class BoundedProbe
{
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(2);

    public const long DefaultAllocationLimit = 64L << 20;

    public static TException Throws<TException>(Action probe, long allocationLimit = DefaultAllocationLimit)
        where TException : Exception
    {
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<TException>(probe);
        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.True(clock.Elapsed < TimeLimit, $"answered after {clock.Elapsed.TotalSeconds:F2} s: {error.Message}");
        Assert.True(allocated < allocationLimit, $"allocated {allocated / (1 << 20)} MB before answering: {error.Message}");
        Assert.DoesNotContain('\n', error.Message);
        return error;
    }

    public static TException Throws<TException>(Func<object?> probe, long allocationLimit = DefaultAllocationLimit)
        where TException : Exception =>
        Throws<TException>(() => { probe(); }, allocationLimit);
}
