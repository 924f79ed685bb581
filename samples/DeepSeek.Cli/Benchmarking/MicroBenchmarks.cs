using System.Diagnostics;
using DeepSeek.Sdk.Backends.Cuda;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Cli.Benchmarking;

/// <summary>What a decode step is made of, measured alone: the decode GEMV's bandwidth on R1-Distill-Qwen-1.5B's
/// matrices (BF16, one row of x), and the cost of a small kernel, launched one by one and replayed from a graph.</summary>
internal static class MicroBenchmarks
{
    public static IEnumerable<string> Run(CudaBackend cuda)
    {
        // Random BF16 values, a 1M-value block tiled over each matrix (the GEMV's speed does not depend on them).
        var rng = new Random(5);
        var block = new ushort[1 << 20];
        for (int i = 0; i < block.Length; i++) block[i] = ScalarConversions.F32ToBF16((float)(rng.NextDouble() - 0.5) * 0.04f);
        foreach (var (n, k, what) in new[] { (8960, 1536, "gate/up_proj"), (1536, 8960, "down_proj"), (1536, 1536, "q/o_proj"), (151936, 1536, "lm_head") })
        {
            var host = Tensor.Zeros(DType.BF16, new Shape(n, k));
            var bits = host.AsSpan<ushort>();
            for (int i = 0; i < bits.Length; i += block.Length) block.AsSpan(0, Math.Min(block.Length, bits.Length - i)).CopyTo(bits[i..]);
            var weight = cuda.Upload(host);
            var x = cuda.Upload(Tensor.FromArray(new float[k], 1, k));
            var y = cuda.Allocate(DType.F32, new Shape(1, n));
            int repeats = Math.Max(20, (int)(2e10 / ((double)n * k * 2))); // ~20 GB per timing
            double best = double.MaxValue;
            for (int run = 0; run < 3; run++)
            {
                cuda.Synchronize();
                var watch = Stopwatch.StartNew();
                for (int r = 0; r < repeats; r++) cuda.MatMul(x, weight, null, y);
                cuda.Synchronize();
                best = Math.Min(best, watch.Elapsed.TotalSeconds / repeats);
            }
            yield return $"micro: GEMV BF16 {n}x{k} ({what}): {best * 1e6:F1} us, {(double)n * k * 2 / best / 1e9:F0} GB/s";
            weight.Storage.Dispose();
        }

        var small = cuda.Upload(Tensor.FromArray(new float[256], 256));
        const int launches = 2000;
        for (int run = 0; run < 3; run++)
        {
            cuda.Synchronize();
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < launches; i++) cuda.Scale(small, 1f, small);
            double enqueued = watch.Elapsed.TotalSeconds;
            cuda.Synchronize();
            double total = watch.Elapsed.TotalSeconds;
            var stats = cuda.Statistics;
            yield return $"micro: {launches} small kernels, run {run}: {enqueued / launches * 1e6:F2} us/op to queue, {total / launches * 1e6:F2} us/op to finish (graphs {(cuda.CudaGraphs ? "on" : "off")}, replays so far {stats.GraphReplays})";
        }
    }
}
