using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Text.DeepSeek;

namespace DeepSeek.Sdk.Text.Tests.DeepSeek;

public sealed class DeepSeekV3GenerationTests
{
    private sealed class SilentDecoder : ITokenTextDecoder
    {
        public string Push(int tokenId) => "";

        public string Flush() => "";
    }

    [Theory]
    [InlineData("deepseek_v3_fp8")]
    [InlineData("deepseek_v2_f32")]
    public async Task The_generation_loop_driving_the_model_greedily_produces_the_reference_continuation(string name)
    {
        var oracle = OracleCase.Load(name);
        using var backend = new CpuBackend(2);
        using var model = DeepSeekV3Model.Load(oracle.Directory, backend);
        var options = new GenerationOptions { MaxNewTokens = oracle.GreedyNewIds.Length, Sampling = SamplingOptions.Greedy };
        var ids = new List<int>();

        await foreach (var update in TokenGenerator.GenerateAsync(model, oracle.PromptIds, options, new SilentDecoder(), TestContext.Current.CancellationToken))
            if (update.TokenId != GenerationUpdate.NoToken) ids.Add(update.TokenId);

        Assert.Equal(oracle.GreedyNewIds, ids);
    }
}
