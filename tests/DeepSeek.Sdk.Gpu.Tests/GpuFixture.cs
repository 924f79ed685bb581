using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Backends.Cuda;

[assembly: AssemblyFixture(typeof(DeepSeek.Sdk.Gpu.Tests.GpuFixture))]
// One backend serves every test, and the tests share its stream: run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace DeepSeek.Sdk.Gpu.Tests;

/// <summary>One CUDA backend (cuda:0) for the whole run, created once (kernel compilation included), plus a CPU
/// backend to compare against. Where there is no GPU or no CUDA library, <see cref="Require"/> skips the test and
/// the skip message is the reason <see cref="CudaBackend.TryCreate"/> gave. The backend runs in its default
/// configuration (what an application gets: on sm_90 with programmatic dependent launch, graph replay off);
/// DEEPSEEK_SDK_CUDA_GRAPHS=1 or =0 runs the whole suite with graph replay forced on or off, DEEPSEEK_SDK_CUDA_PDL=0
/// with programmatic dependent launch off, to compare.</summary>
public sealed class GpuFixture : IDisposable
{
    public GpuFixture()
    {
        GraphsForced = Environment.GetEnvironmentVariable("DEEPSEEK_SDK_CUDA_GRAPHS") switch
        {
            "1" => true,
            "0" => false,
            _ => null,
        };
        if (CudaBackend.TryCreate(0, out var backend, out string? whyNot, new CudaBackendOptions
            {
                CudaGraphs = GraphsForced,
                ProgrammaticDependentLaunch = Environment.GetEnvironmentVariable("DEEPSEEK_SDK_CUDA_PDL") != "0",
            }))
            Cuda = backend;
        else
            WhyNot = whyNot;
        Cpu = new CpuBackend(Math.Min(Environment.ProcessorCount, 8));
    }

    public CudaBackend? Cuda { get; }

    public string? WhyNot { get; }

    /// <summary>Graph replay as DEEPSEEK_SDK_CUDA_GRAPHS forced it for this run; null: the backend's default.</summary>
    public bool? GraphsForced { get; }

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
