using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Tokenization;

namespace DeepSeek.Sdk.Text.Tests.TinyModel;

/// <summary>deepseek-r1-tiny loaded once per test class, the way an application loads it: <see cref="TextModels.Load"/>
/// on the CPU backend and <see cref="Tokenizer.FromDirectory"/>.</summary>
public sealed class TinyModelFixture : IDisposable
{
    private readonly CpuBackend _backend = new(2);

    public TinyModelFixture()
    {
        Model = TextModels.Load(TinyModelFiles.ModelDirectory, _backend);
        Tokenizer = Tokenizer.FromDirectory(TinyModelFiles.ModelDirectory);
        Chat = ChatFormatter.FromTokenizer(Tokenizer);
        EosId = Tokenizer.EosId ?? throw new InvalidDataException("tokenizer_config.json names no eos_token.");
    }

    public ICausalLanguageModel Model { get; }

    public Tokenizer Tokenizer { get; }

    public ChatFormatter Chat { get; }

    public int EosId { get; }

    public int[] PromptIds(string question) => Tokenizer.Encode(Chat.Render([ChatTurn.User(question)]));

    /// <summary>Greedy decoding until EOS (included in the result) or <paramref name="maxNewTokens"/>.</summary>
    public async Task<int[]> GenerateAsync(int[] promptIds, int maxNewTokens, CancellationToken cancellationToken)
    {
        var options = new GenerationOptions { MaxNewTokens = maxNewTokens, Sampling = SamplingOptions.Greedy, StopTokenIds = [EosId] };
        var ids = new List<int>();
        await foreach (var update in TokenGenerator.GenerateAsync(Model, promptIds, options, Tokenizer.CreateStreamingDetokenizer(), cancellationToken))
            if (update.TokenId != GenerationUpdate.NoToken) ids.Add(update.TokenId);
        return [.. ids];
    }

    public void Dispose()
    {
        Model.Dispose();
        _backend.Dispose();
    }
}
