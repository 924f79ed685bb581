using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Hosting;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Text.ChatClient;
using DeepSeek.Sdk.Text.Pipelines;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DeepSeek.Sdk.Text.Tests.Hosting;

public sealed class DependencyInjectionTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static (ServiceProvider Provider, CollectingLoggerProvider Logs) Build(string modelPath, Func<DeepSeekOptions, DeepSeekOptions>? more = null)
    {
        var logs = new CollectingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        services.AddDeepSeek(o => o with { ModelPath = modelPath, CpuThreads = 2 })
            .AddTextGeneration();
        if (more is not null) services.AddDeepSeek(more);
        return (services.BuildServiceProvider(), logs);
    }

    [Fact]
    public async Task The_chat_client_loads_the_model_on_first_use_on_the_auto_device_and_logs_load_and_request()
    {
        // This test is about the CPU fallback; the GPU tests cover Auto choosing a GPU.
        string? noGpu = new CudaBackendFactory().CheckAvailability(0);
        Assert.SkipWhen(noGpu is null, "A GPU is usable here, so Auto does not fall back to the CPU.");
        using var dir = new TempDirectory();
        TinyTokenizer.CopyFixtureWithTokenizer("deepseek_v3_bf16", dir.Path);
        var (provider, logs) = Build(dir.Path);
        await using (provider)
        {
            var client = provider.GetRequiredService<IChatClient>();
            var host = provider.GetRequiredService<ModelHost<ICausalLanguageModel>>();
            Assert.False(host.IsLoaded);
            Assert.False(provider.GetRequiredService<BackendProvider>().IsCreated);

            var response = await client.GetResponseAsync("Hello", new ChatOptions { MaxOutputTokens = 5, Temperature = 0 }, Token);

            Assert.True(host.IsLoaded);
            Assert.Equal(5, response.Usage!.OutputTokenCount);
            // Auto falls back to the CPU where no GPU can be used, and says why.
            Assert.True(logs.Contains($"Backend for device 'auto': cpu (auto: falling back to the CPU because cuda: {noGpu}"), string.Join("\n", logs.Entries));
            // Load: time, tensors, bytes, device.
            var load = Assert.Single(logs.Entries, e => e.Message.StartsWith("Loaded " + dir.Path + " on cpu in ", StringComparison.Ordinal));
            Assert.Matches(@"in \d+ ms: \d+ tensors, \d+ bytes of weights", load.Message);
            // Per request: tokens and tokens/s.
            Assert.Contains(logs.Entries, e => e.Message.StartsWith("Generated 5 tokens after a ", StringComparison.Ordinal) && e.Message.Contains("tokens/s"));
        }
    }

    [Fact]
    public async Task Every_service_is_a_singleton_over_one_model_and_one_backend()
    {
        using var dir = new TempDirectory();
        TinyTokenizer.CopyFixtureWithTokenizer("deepseek_v3_bf16", dir.Path);
        var (provider, _) = Build(dir.Path);
        await using (provider)
        {
            await using var scope = provider.CreateAsyncScope();
            Assert.Same(provider.GetRequiredService<IChatClient>(), scope.ServiceProvider.GetRequiredService<IChatClient>());
            Assert.Same(provider.GetRequiredService<TextGenerationPipeline>(), provider.GetRequiredService<IChatClient>().GetService<TextGenerationPipeline>());
            Assert.Same(provider.GetRequiredService<ModelHost<ICausalLanguageModel>>(), provider.GetRequiredService<TextGenerationPipeline>().Host);
        }
    }

    [Fact]
    public async Task Options_are_immutable_records_applied_in_registration_order_and_generation_defaults_reach_the_pipeline()
    {
        using var dir = new TempDirectory();
        TinyTokenizer.CopyFixtureWithTokenizer("deepseek_v3_bf16", dir.Path);
        var defaults = new GenerationOptions { MaxNewTokens = 3, Sampling = SamplingOptions.Greedy, StopStrings = ["\n\n"] };
        var (provider, _) = Build(dir.Path, o => o with { Device = DeviceSelection.Cpu, Generation = defaults });
        await using (provider)
        {
            var options = provider.GetRequiredService<IOptions<DeepSeekOptions>>().Value;
            Assert.Equal(dir.Path, options.ModelPath); // from the first registration
            Assert.Equal(DeviceSelection.Cpu, options.Device); // from the second
            Assert.Equal(2, options.CpuThreads);
            Assert.Same(defaults, provider.GetRequiredService<TextGenerationPipeline>().Options.Defaults);

            var result = await provider.GetRequiredService<TextGenerationPipeline>().GenerateAsync("Hello", cancellationToken: Token);
            Assert.True(result.CompletionTokens <= 3);
        }
    }

    [Fact]
    public async Task A_missing_model_path_fails_on_first_use_naming_the_option()
    {
        // Without ModelPath the default model is served; one that is nowhere to be found fails naming the option.
        var services = new ServiceCollection();
        services.AddDeepSeek(o => o with { Device = DeviceSelection.Cpu, DefaultModel = "no-such-model" }).AddTextGeneration();
        await using var provider = services.BuildServiceProvider();
        var e = Assert.Throws<ModelNotFoundException>(() => provider.GetRequiredService<IChatClient>());
        Assert.Contains("DeepSeekOptions.ModelPath", e.Message);
        Assert.Equal("no-such-model", e.ModelName);
    }

    [Fact]
    public async Task A_cuda_device_without_a_cuda_backend_fails_on_first_request_naming_the_device()
    {
        using var dir = new TempDirectory();
        TinyTokenizer.CopyFixtureWithTokenizer("deepseek_v3_bf16", dir.Path);
        var (provider, _) = Build(dir.Path, o => o with { Device = DeviceSelection.Cuda(0) });
        await using (provider)
        {
            var client = provider.GetRequiredService<IChatClient>(); // building the client loads nothing
            var e = await Assert.ThrowsAsync<DeviceUnavailableException>(() => client.GetResponseAsync("Hello", cancellationToken: Token));
            Assert.Equal("cuda:0", e.Device);
        }
    }
}
