using BenchmarkDotNet.Running;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Benchmarks;

/// <summary>Bytes moved and flops done by one invocation of each benchmark, for the printed roofline table.</summary>
internal static class Throughput
{
    public static (double Bytes, double Flops) Work(BenchmarkCase benchmark)
    {
        string method = benchmark.Descriptor.WorkloadMethod.Name;
        if (method == nameof(MemoryBandwidthBenchmarks.SumAllThreads)) return (MemoryBandwidthBenchmarks.Bytes, 0);
        var dtype = (DType)benchmark.Parameters["WeightType"]!;
        int m = method == nameof(MatMulBenchmarks.Decode) ? 1 : MatMulBenchmarks.PrefillRows;
        double weightBytes = (double)MatMulBenchmarks.N * MatMulBenchmarks.K * dtype.SizeOf();
        // GB/s counts weight bytes only: the quantity a decode step streams and the roofline limits.
        return (weightBytes, 2.0 * m * MatMulBenchmarks.N * MatMulBenchmarks.K);
    }
}
