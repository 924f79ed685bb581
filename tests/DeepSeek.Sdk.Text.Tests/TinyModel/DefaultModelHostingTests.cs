using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Hosting;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Text.Pipelines;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DeepSeek.Sdk.Text.Tests.TinyModel;

/// <summary><c>services.AddDeepSeek()</c> without a model path serves the shipped deepseek-r1-tiny, which this test
/// project gets in its output folder (models/deepseek-r1-tiny) by referencing DeepSeek.Sdk.Models, as an application
/// would.</summary>
public sealed class DefaultModelHostingTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_a_model_path_the_shipped_model_next_to_the_application_is_served()
    {
        var services = new ServiceCollection();
        services.AddDeepSeek().AddTextGeneration();
        services.AddDeepSeek(o => o with { Device = DeviceSelection.Cpu, CpuThreads = 1 });
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<DeepSeekOptions>>().Value;
        string expected = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "models", DefaultModels.R1Tiny));
        Assert.Null(options.ModelPath);
        Assert.Equal(expected, options.ResolveModelPath());
        Assert.Equal(DeviceSelection.Cpu, options.Device); // the later registration still applies

        var result = await provider.GetRequiredService<TextGenerationPipeline>().GenerateAsync(
            [Tokenization.ChatTurn.User("What is 123 + 456?")], new GenerationOptions { MaxNewTokens = 100, Sampling = SamplingOptions.Greedy }, Token);
        // The chat template's generation prompt opens the trace; the completion closes it and answers.
        Assert.EndsWith("123+456=579\n</think>\n\n579", result.Text);
        Assert.Equal(FinishReason.StopToken, result.FinishReason);
        Assert.Equal(DefaultModels.R1Tiny, provider.GetRequiredService<IChatClient>().GetService<ChatClientMetadata>()?.DefaultModelId);
    }

    [Fact]
    public async Task A_model_path_set_by_any_registration_wins_over_the_default()
    {
        using var dir = new TempDirectory();
        var services = new ServiceCollection();
        services.AddDeepSeek();
        services.AddDeepSeek(o => o with { ModelPath = dir.Path });
        await using var provider = services.BuildServiceProvider();
        Assert.Equal(dir.Path, provider.GetRequiredService<IOptions<DeepSeekOptions>>().Value.ModelPath);
    }
}
