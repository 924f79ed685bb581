using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Vision.Janus;

namespace DeepSeek.Sdk.Vision.Tests.Pipelines;

/// <summary>The janus_f32 fixture with <see cref="JanusTinyTokenizer"/> beside it, loaded on the CPU behind a host.</summary>
internal sealed class JanusPipelineFixture : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly CpuBackend _backend = new(2);

    public JanusPipelineFixture()
    {
        JanusTinyTokenizer.CopyFixtureWithTokenizer(_directory.Path);
        Model = JanusModel.Load(_directory.Path, _backend);
        Host = new ModelHost<JanusModel>(Model, "janus_f32");
    }

    public string Directory => _directory.Path;

    public JanusModel Model { get; }

    public ModelHost<JanusModel> Host { get; }

    public void Dispose()
    {
        Host.Dispose();
        Model.Dispose();
        _backend.Dispose();
        _directory.Dispose();
    }
}
