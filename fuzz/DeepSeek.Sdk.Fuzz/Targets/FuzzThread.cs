using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace DeepSeek.Sdk.Fuzzing;

/// <summary>Runs work on a dedicated thread with a 1 MB stack, the smallest default a host application's thread may have
/// (Windows threads), so that a parser's recursion depth is judged the same under AFL, in the replay command and in CI,
/// whose test threads have more.</summary>
public static class FuzzThread
{
    public const int StackSizeBytes = 1 << 20;

    /// <summary>Runs <paramref name="work"/> and waits up to <paramref name="timeout"/>. Returns the elapsed time, or null
    /// when the work was still running at the timeout (the thread is left behind: nothing can stop it). An exception the
    /// work throws is rethrown here with its original stack trace.</summary>
    public static TimeSpan? Run(Action work, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(work);
        ExceptionDispatchInfo? failure = null;
        var stopwatch = Stopwatch.StartNew();
        var thread = new Thread(() =>
        {
            try
            {
                work();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        }, StackSizeBytes)
        {
            IsBackground = true,
            Name = "fuzz target",
        };
        thread.Start();
        if (!thread.Join(timeout))
            return null;
        stopwatch.Stop();
        failure?.Throw();
        return stopwatch.Elapsed;
    }
}
