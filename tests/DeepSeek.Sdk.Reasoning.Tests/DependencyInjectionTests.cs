using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Text.ChatClient;
using DeepSeek.Sdk.Tokenization;
using DeepSeek.Sdk.Tokenization.Templates;
using DeepSeek.Sdk.Reasoning.ChatClient;
using Microsoft.Extensions.AI;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Text.Pipelines;
using Microsoft.Extensions.DependencyInjection;

namespace DeepSeek.Sdk.Reasoning.Tests;

public sealed class DependencyInjectionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public DependencyInjectionTests()
    {
        string fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "oracle", "deepseek_v3_f32");
        foreach (var name in new[] { "config.json", "model.safetensors" })
            File.Copy(Path.Combine(fixture, name), _dir.File(name));
        TinyR1Tokenizer.Write(_dir.Path);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AddReasoning_serves_a_pipeline_over_the_configured_model_with_its_options()
    {
        var services = new ServiceCollection();
        services.AddDeepSeek(o => o with { ModelPath = _dir.Path, Device = DeviceSelection.Cpu, CpuThreads = 2 })
            .AddReasoning(o => o with { MaxThinkingTokens = 3, MaxNewTokens = 12, Sampling = SamplingOptions.Greedy });
        await using var provider = services.BuildServiceProvider();

        var pipeline = provider.GetRequiredService<ReasoningPipeline>();
        Assert.False(pipeline.Host.IsLoaded); // loaded on first use
        Assert.Equal(3, pipeline.Defaults.MaxThinkingTokens);
        Assert.Contains(1, pipeline.EosTokenIds); // config.json's eos_token_id

        var result = await pipeline.RunAsync("What is 2+2?", cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(pipeline.Host.IsLoaded);
        Assert.Equal(3, result.ReasoningTokens);
        Assert.True(result.ClosedByBudget);
        Assert.Same(pipeline, provider.GetRequiredService<ReasoningPipeline>());
    }

    [Fact]
    public async Task Without_configuration_the_defaults_are_R1s_sampling()
    {
        var services = new ServiceCollection();
        services.AddDeepSeek(o => o with { ModelPath = _dir.Path, Device = DeviceSelection.Cpu }).AddReasoning();
        await using var provider = services.BuildServiceProvider();

        var defaults = provider.GetRequiredService<ReasoningPipeline>().Defaults;
        Assert.Equal(ReasoningOptions.R1Sampling, defaults.Sampling);
        Assert.Null(defaults.MaxThinkingTokens);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Reasoning_and_text_generation_share_one_model(bool textFirst)
    {
        var services = new ServiceCollection();
        var builder = services.AddDeepSeek(o => o with { ModelPath = _dir.Path, Device = DeviceSelection.Cpu });
        if (textFirst) builder.AddTextGeneration().AddReasoning();
        else builder.AddReasoning().AddTextGeneration();
        await using var provider = services.BuildServiceProvider();

        var host = provider.GetRequiredService<ModelHost<ICausalLanguageModel>>();
        Assert.Same(host, provider.GetRequiredService<ReasoningPipeline>().Host);
        Assert.Same(host, provider.GetRequiredService<TextGenerationPipeline>().Host);
        Assert.Single(services, d => d.ServiceType == typeof(ModelHost<ICausalLanguageModel>));
        // The IChatClient is the first registered pipeline's.
        var client = provider.GetRequiredService<IChatClient>();
        Assert.IsType(textFirst ? typeof(DeepSeekChatClient) : typeof(ReasoningChatClient), client);
    }

    [Fact]
    public async Task DeepSeekOptions_Limits_bound_every_file_the_pipeline_and_its_model_read()
    {
        // Each limit set just below what this folder needs: the breach is the area's typed error naming the option.
        async Task<Exception> Resolve(InputLimits limits)
        {
            var services = new ServiceCollection();
            services.AddDeepSeek(o => o with { ModelPath = _dir.Path, Device = DeviceSelection.Cpu, CpuThreads = 1, Limits = limits }).AddReasoning();
            await using var provider = services.BuildServiceProvider();
            return await Assert.ThrowsAnyAsync<DeepSeekException>(async () =>
            {
                var pipeline = provider.GetRequiredService<ReasoningPipeline>();
                await pipeline.RunAsync("What is 2+2?", cancellationToken: TestContext.Current.CancellationToken);
            });
        }

        var config = await Resolve(InputLimits.Default with { Config = ConfigLimits.Default with { MaxLayers = 1 } });
        Assert.IsType<ConfigException>(config);
        Assert.Contains("ConfigLimits.MaxLayers", config.Message);
        var tokenizer = await Resolve(InputLimits.Default with { Tokenizer = TokenizerLimits.Default with { MaxVocabularySize = 100 } });
        Assert.IsType<TokenizerFormatException>(tokenizer);
        Assert.Contains("TokenizerLimits.MaxVocabularySize", tokenizer.Message);
        var template = await Resolve(InputLimits.Default with { Template = TemplateLimits.Default with { MaxNestingDepth = 1 } });
        Assert.Equal("MaxNestingDepth", Assert.IsType<TemplateLimitExceededException>(template).LimitName);
        var weights = await Resolve(InputLimits.Default with { Weights = SafetensorsLimits.Default with { MaxTensors = 3 } });
        Assert.IsAssignableFrom<CheckpointException>(weights);
        Assert.Contains("SafetensorsLimits.MaxTensors", weights.Message);
    }
}
