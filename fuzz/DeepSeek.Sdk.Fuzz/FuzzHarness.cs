using System.Runtime.InteropServices;
using SharpFuzz;

namespace DeepSeek.Sdk.Fuzzing;

/// <summary>The afl-fuzz side: reads each input from stdin and runs it through a target, on a 1 MB-stack thread.</summary>
internal static class FuzzHarness
{
    /// <summary>SharpFuzz's coverage map size (AFL's classic 64 KB map).</summary>
    private const int MapSize = 1 << 16;

    /// <summary>AFL's default and SharpFuzz's cap on one input; anything longer is cut, as afl-fuzz would never send it.</summary>
    private const int MaxInputBytes = 1 << 20;

    /// <summary>Instrumented code writes to <c>SharpFuzz.Common.Trace.SharedMem</c>, which is null until afl-fuzz's shared
    /// memory is attached; pointing it at a private map first lets the instrumented build run outside afl-fuzz too
    /// (replay, afl-tmin's dry runs, a static constructor that runs early). Fuzzer.Run replaces it with AFL's map.</summary>
    public static unsafe void AttachScratchCoverageMap()
    {
        if (SharpFuzz.Common.Trace.SharedMem == null)
            SharpFuzz.Common.Trace.SharedMem = (byte*)NativeMemory.AllocZeroed(MapSize);
    }

    public static int Fuzz(string[] args)
    {
        var target = FuzzTargets.Find(args[0]);
        if (target is null || args.Length > 2 || (args.Length == 2 && args[1] != "--in-process"))
            return Usage();
        bool inProcess = args.Length == 2;
        Action<Stream> action = stream => FuzzExecution.Run(target, ReadInput(stream));
        // Out of process (the default), a stack overflow or a hang kills only the child that SharpFuzz restarts; in
        // process it ends the whole campaign ("Unable to communicate with fork server"), but runs are cheaper.
        var loop = new Thread(() =>
        {
            if (inProcess)
                Fuzzer.Run(action);
            else
                Fuzzer.OutOfProcess.Run(action);
        }, FuzzThread.StackSizeBytes) { Name = "fuzz loop" };
        loop.Start();
        loop.Join();
        return 0;
    }

    public static int Usage()
    {
        Console.Error.WriteLine("""
            usage: DeepSeek.Sdk.Fuzz list
                   DeepSeek.Sdk.Fuzz <target> [--in-process]        (under afl-fuzz; fuzz/run.sh starts it)
                   DeepSeek.Sdk.Fuzz replay <target> <file|folder>... [--timeout-ms N] [--slow-ms N]
                   DeepSeek.Sdk.Fuzz seeds <repository root> <output folder>
            """);
        Console.Error.WriteLine($"targets: {string.Join(", ", FuzzTargets.All.Select(t => t.Name))}");
        return 64;
    }

    private static byte[] ReadInput(Stream stream)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while (buffer.Length < MaxInputBytes && (read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, MaxInputBytes - buffer.Length))) > 0)
            buffer.Write(chunk, 0, read);
        return buffer.ToArray();
    }
}
