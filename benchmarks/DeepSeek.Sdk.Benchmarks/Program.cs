using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using DeepSeek.Sdk.Benchmarks;

// BenchmarkDotNet reports time; the roofline needs bytes and flops per second, printed after the run.
var summaries = BenchmarkSwitcher.FromAssembly(typeof(MatMulBenchmarks).Assembly).Run(args);
Console.WriteLine();
Console.WriteLine("| Benchmark | Parameters | Mean | GB/s | GFLOP/s |");
Console.WriteLine("|---|---|---:|---:|---:|");
foreach (Summary summary in summaries)
    foreach (BenchmarkReport report in summary.Reports)
    {
        if (report.ResultStatistics is not { } stats) continue;
        string method = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
        string parameters = report.BenchmarkCase.Parameters.DisplayInfo;
        var (bytes, flops) = Throughput.Work(report.BenchmarkCase);
        double seconds = stats.Mean * 1e-9;
        Console.WriteLine($"| {method} | {parameters} | {stats.Mean / 1e6:F3} ms | {bytes / seconds / 1e9:F2} | {(flops == 0 ? "-" : (flops / seconds / 1e9).ToString("F1"))} |");
    }
