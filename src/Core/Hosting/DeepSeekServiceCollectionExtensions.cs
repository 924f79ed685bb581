using DeepSeek.Sdk.Hosting;
using DeepSeek.Sdk.Runtime;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// In the DI namespace, as Microsoft.Extensions packages do, so AddDeepSeek shows up wherever services are configured.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary><c>services.AddDeepSeek(o => o with { ModelPath = "...", Device = DeviceSelection.Auto })</c> registers the
/// runtime every DeepSeek.Sdk pipeline shares: <see cref="DeepSeekOptions"/>, the backend factories and the one
/// <see cref="BackendProvider"/> (the backend is created on first use). Pipelines are added on the returned builder,
/// e.g. <c>.AddTextGeneration()</c> from DeepSeek.Sdk.Text. Without a <see cref="DeepSeekOptions.ModelPath"/>
/// (<c>services.AddDeepSeek()</c>), each pipeline serves its shipped default model, found by <see cref="DefaultModels"/>
/// when the pipeline is first resolved (<see cref="DeepSeekOptions.ResolveModelPath"/>).</summary>
public static class DeepSeekServiceCollectionExtensions
{
    /// <summary>The runtime with default options: the shipped deepseek-r1-tiny on the best available device.</summary>
    public static IDeepSeekBuilder AddDeepSeek(this IServiceCollection services) => services.AddDeepSeek(options => options);

    public static IDeepSeekBuilder AddDeepSeek(this IServiceCollection services, Func<DeepSeekOptions, DeepSeekOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        ImmutableOptions.Configure(services, configure);
        // The CPU backend is always there; DeviceSelection.Auto prefers the CUDA backend when it reports itself
        // available (a driver, a GPU, NVRTC and cuBLAS), and says why not in the log when it falls back.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IBackendFactory, CpuBackendFactory>(
            provider => new CpuBackendFactory(provider.GetRequiredService<IOptions<DeepSeekOptions>>().Value.CpuThreads)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IBackendFactory, CudaBackendFactory>(
            provider => new CudaBackendFactory(logger: provider.GetService<ILoggerFactory>()?.CreateLogger<CudaBackendFactory>())));
        services.TryAddSingleton(provider => new BackendProvider(
            provider.GetRequiredService<IOptions<DeepSeekOptions>>().Value.Device,
            provider.GetServices<IBackendFactory>(),
            provider.GetService<ILogger<BackendProvider>>()));
        return new DeepSeekBuilder(services);
    }

    /// <summary>The same with options given whole.</summary>
    public static IDeepSeekBuilder AddDeepSeek(this IServiceCollection services, DeepSeekOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return services.AddDeepSeek(_ => options);
    }
}
