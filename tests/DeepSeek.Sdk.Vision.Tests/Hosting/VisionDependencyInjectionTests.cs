using DeepSeek.Sdk.Hosting;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Vision.Janus;
using DeepSeek.Sdk.Vision.Pipelines;
using Microsoft.Extensions.DependencyInjection;

namespace DeepSeek.Sdk.Vision.Tests.Hosting;

public sealed class VisionDependencyInjectionTests
{
    [Fact]
    public async Task AddVision_serves_both_pipelines_from_one_lazily_loaded_model()
    {
        using var directory = new TempDirectory();
        JanusTinyTokenizer.CopyFixtureWithTokenizer(directory.Path);
        var services = new ServiceCollection();
        services.AddDeepSeek(o => o with { ModelPath = directory.Path, CpuThreads = 2 })
            .AddVision(o => o with { Generation = new ImageGenerationOptions { Temperature = 0, CfgWeight = 3 } });
        await using var provider = services.BuildServiceProvider();

        var understanding = provider.GetRequiredService<ImageUnderstandingPipeline>();
        var generation = provider.GetRequiredService<ImageGenerationPipeline>();
        var host = provider.GetRequiredService<ModelHost<JanusModel>>();
        Assert.Same(host, understanding.Host);
        Assert.Same(host, generation.Host);
        Assert.Same(understanding, provider.GetRequiredService<ImageUnderstandingPipeline>());
        Assert.False(host.IsLoaded);
        Assert.Equal(3f, generation.Defaults.CfgWeight);

        var result = await generation.GenerateAsync("a cat", cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(host.IsLoaded);
        Assert.Single(result.Images);
        Assert.Equal(16, result.ImageTokens[0].Length);
    }

    [Fact]
    public void A_missing_model_path_is_reported_when_a_pipeline_is_resolved()
    {
        var services = new ServiceCollection();
        services.AddDeepSeek(o => o).AddVision();
        using var provider = services.BuildServiceProvider();
        // No ModelPath: vision's own default model is looked up (not the text default), and this test's output
        // folder ships none.
        var e = Assert.Throws<ModelNotFoundException>(() => provider.GetRequiredService<ImageGenerationPipeline>());
        Assert.Equal(DefaultModels.JanusTiny, e.ModelName);
        Assert.Contains("ModelPath", e.Message);
    }

    [Fact]
    public async Task VisionOptions_ModelPath_serves_a_janus_model_beside_the_text_model_of_DeepSeekOptions()
    {
        using var janus = new TempDirectory();
        JanusTinyTokenizer.CopyFixtureWithTokenizer(janus.Path);
        var services = new ServiceCollection();
        services.AddDeepSeek(o => o with { ModelPath = "/nonexistent/text-model", Device = DeviceSelection.Cpu })
            .AddVision(o => o with { ModelPath = janus.Path });
        await using var provider = services.BuildServiceProvider();
        var result = await provider.GetRequiredService<ImageGenerationPipeline>().GenerateAsync("a cat",
            new ImageGenerationOptions { Seed = 1 }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Single(result.Images);
    }
}
