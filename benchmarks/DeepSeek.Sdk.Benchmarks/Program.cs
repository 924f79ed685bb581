using BenchmarkDotNet.Running;

namespace DeepSeek.Sdk.Benchmarks;

public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
