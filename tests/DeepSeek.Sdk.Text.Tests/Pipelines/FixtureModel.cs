using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Text.Pipelines;
using DeepSeek.Sdk.Text.Tests.DeepSeek;

namespace DeepSeek.Sdk.Text.Tests.Pipelines;

/// <summary>A reference fixture model with <see cref="TinyTokenizer"/> beside it in a temporary folder, loaded on the
/// CPU, with a pipeline over it.</summary>
internal sealed class FixtureModel : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly CpuBackend _backend = new(2);

    public FixtureModel(string fixture = "deepseek_v3_bf16", bool withChatTemplate = true, Action<string>? prepare = null)
    {
        Oracle = OracleCase.Load(fixture);
        TinyTokenizer.CopyFixtureWithTokenizer(fixture, _directory.Path, withChatTemplate);
        prepare?.Invoke(_directory.Path);
        Model = TextModels.Load(_directory.Path, _backend);
        Host = new ModelHost<ICausalLanguageModel>(Model, fixture);
        Pipeline = TextGenerationPipeline.FromDirectory(Host, _directory.Path);
    }

    public OracleCase Oracle { get; }

    public string Directory => _directory.Path;

    public ICausalLanguageModel Model { get; }

    public ModelHost<ICausalLanguageModel> Host { get; }

    public TextGenerationPipeline Pipeline { get; }

    /// <summary>Greedy decoding for exactly the reference's number of new tokens.</summary>
    public GenerationOptions Greedy => new() { MaxNewTokens = Oracle.GreedyNewIds.Length, Sampling = SamplingOptions.Greedy };

    public void Dispose()
    {
        Pipeline.Dispose();
        Host.Dispose();
        Model.Dispose();
        _backend.Dispose();
        _directory.Dispose();
    }
}
