using System.Diagnostics;
using System.Numerics.Tensors;
using DeepSeek.Sdk.Backends.Cpu;

namespace DeepSeek.Cli.Commands;

/// <summary>The read roofline of this machine: summing a buffer much larger than the caches on the same number of
/// threads the model uses, best of several passes (what the memory system can deliver, as the decode kernels would
/// see it). The same measurement as benchmarks/MemoryBandwidthBenchmarks, run inside the bench command so that both
/// numbers come from the same moment of a shared machine.</summary>
internal static class ReadBandwidth
{
    public static double MeasureBytesPerSecond(int threads, long bytes, int passes = 5)
    {
        const int blockFloats = 1 << 18; // 1 MiB per work item
        int blocks = (int)Math.Max(1, bytes / 4 / blockFloats);
        var data = new float[(long)blocks * blockFloats];
        Array.Fill(data, 1f); // touch every page so the passes read DRAM, not the shared zero page
        using var pool = new CpuThreadPool(threads);
        var work = new SumWork { Data = data, BlockFloats = blockFloats, Partial = new float[blocks] };
        double best = 0;
        for (int pass = 0; pass < passes; pass++)
        {
            long start = Stopwatch.GetTimestamp();
            pool.Run(ref work, blocks, 1);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            best = Math.Max(best, (double)data.LongLength * sizeof(float) / seconds);
        }
        return best;
    }

    private struct SumWork : IRangeWork
    {
        public float[] Data;
        public int BlockFloats;
        public float[] Partial;

        public readonly void Execute(int start, int end)
        {
            for (int b = start; b < end; b++)
                Partial[b] = TensorPrimitives.Sum(Data.AsSpan(b * BlockFloats, BlockFloats));
        }
    }
}
