using System.Globalization;

namespace DeepSeek.Sdk.Fuzzing;

/// <summary><c>replay &lt;target&gt; &lt;file|folder&gt;...</c>: runs inputs through a target outside afl-fuzz and prints
/// one line per input (<c>accepted</c>, <c>refused</c>, <c>FAILED</c> with the stack trace, <c>SLOW</c>, <c>HANG</c>).
/// Exit code: 0 when every input was accepted or refused in time, 1 when one failed, 2 when one was slow or hung (3: both).
/// A stack overflow ends the process (exit code 134 on Linux), which is why fuzz/run.sh replays findings one by one.</summary>
internal static class ReplayCommand
{
    public static int Run(string[] args)
    {
        var target = FuzzTargets.Find(args[0]);
        if (target is null)
            return FuzzHarness.Usage();
        var timeout = TimeSpan.FromSeconds(10);
        var slow = TimeSpan.FromSeconds(2);
        var files = new List<string>();
        for (int i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--timeout-ms" when i + 1 < args.Length:
                    timeout = TimeSpan.FromMilliseconds(int.Parse(args[++i], CultureInfo.InvariantCulture));
                    break;
                case "--slow-ms" when i + 1 < args.Length:
                    slow = TimeSpan.FromMilliseconds(int.Parse(args[++i], CultureInfo.InvariantCulture));
                    break;
                default:
                    if (Directory.Exists(args[i]))
                        files.AddRange(Directory.EnumerateFiles(args[i], "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
                    else
                        files.Add(args[i]);
                    break;
            }
        }

        int status = 0;
        foreach (string file in files)
            status |= ReplayOne(target, file, timeout, slow);
        return status;
    }

    private static int ReplayOne(FuzzTarget target, string file, TimeSpan timeout, TimeSpan slow)
    {
        byte[] input = File.ReadAllBytes(file);
        var outcome = FuzzOutcome.Accepted;
        DeepSeekException? refusal = null;
        TimeSpan? elapsed;
        try
        {
            elapsed = FuzzThread.Run(() => outcome = FuzzExecution.Run(target, input, out refusal), timeout);
        }
        catch (Exception e)
        {
            Console.WriteLine($"FAILED   {file}  {e.GetType().FullName}: {FirstLine(e.Message)}");
            Console.WriteLine(e.StackTrace);
            return 1;
        }
        if (elapsed is null)
        {
            Console.WriteLine($"HANG     {file}  still running after {timeout.TotalMilliseconds:F0} ms");
            // The target's thread cannot be stopped: leave now rather than replay the next input beside it.
            Console.Out.Flush();
            Environment.Exit(2);
        }
        string verdict = elapsed > slow ? "SLOW    " : outcome == FuzzOutcome.Accepted ? "accepted" : "refused ";
        string detail = refusal is null ? "" : $"  {refusal.GetType().Name}: {FirstLine(refusal.Message)}";
        Console.WriteLine($"{verdict} {file}  {elapsed.Value.TotalMilliseconds:F0} ms{detail}");
        return elapsed > slow ? 2 : 0;
    }

    private static string FirstLine(string message)
    {
        int end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
