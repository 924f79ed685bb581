using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Backends.Cuda;

[assembly: AssemblyFixture(typeof(DeepSeek.Sdk.Gpu.Tests.GpuFixture))]
// One backend serves every test, and the tests share its stream: run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace DeepSeek.Sdk.Gpu.Tests;

/// <summary>One CUDA backend (cuda:0) for the whole run, created once (kernel compilation included), plus a CPU
/// backend to compare against. Where there is no GPU or no CUDA library, <see cref="Require"/> skips the test and
/// the skip message is the reason <see cref="CudaBackend.TryCreate"/> gave. DEEPSEEK_SDK_CUDA_GRAPHS=0 runs the
/// whole suite with graph replay off, DEEPSEEK_SDK_CUDA_PDL=0 with programmatic dependent launch off, to compare.</summary>
public sealed class GpuFixture : IDisposable
{
    public GpuFixture()
    {
        GraphsSwitchedOff = Environment.GetEnvironmentVariable("DEEPSEEK_SDK_CUDA_GRAPHS") == "0";
        if (CudaBackend.TryCreate(0, out var backend, out string? whyNot, new CudaBackendOptions
            {
                CudaGraphs = !GraphsSwitchedOff,
                ProgrammaticDependentLaunch = Environment.GetEnvironmentVariable("DEEPSEEK_SDK_CUDA_PDL") != "0",
            }))
            Cuda = backend;
        else
            WhyNot = whyNot;
        Cpu = new CpuBackend(Math.Min(Environment.ProcessorCount, 8));
    }

    public CudaBackend? Cuda { get; }

    public string? WhyNot { get; }

    /// <summary>Graph replay was switched off for this run (DEEPSEEK_SDK_CUDA_GRAPHS=0).</summary>
    public bool GraphsSwitchedOff { get; }

    public CpuBackend Cpu { get; }

    /// <summary>The CUDA backend, or a skip with the reason there is none.</summary>
    public CudaBackend Require()
    {
        if (Cuda is null) Assert.Skip($"No CUDA backend: {WhyNot}");
        return Cuda;
    }

    public void Dispose()
    {
        Cuda?.Dispose();
        Cpu.Dispose();
    }
}
