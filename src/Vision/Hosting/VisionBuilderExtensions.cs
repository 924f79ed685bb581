using DeepSeek.Sdk;
using DeepSeek.Sdk.Hosting;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Vision.Hosting;
using DeepSeek.Sdk.Vision.ImageGenerator;
using DeepSeek.Sdk.Vision.Janus;
using DeepSeek.Sdk.Vision.Pipelines;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary><c>services.AddDeepSeek(o => o with { ModelPath = "Janus-Pro-7B" }).AddVision()</c>: the Janus model
/// (<see cref="VisionOptions.ModelPath"/>, else <see cref="DeepSeekOptions.ModelPath"/>, else the shipped
/// <see cref="VisionOptions.DefaultModel"/>) behind one <see cref="ModelHost{TModel}"/> (loaded on first use, on the
/// shared backend), the <see cref="ImageUnderstandingPipeline"/> and <see cref="ImageGenerationPipeline"/> over it, and an
/// <see cref="IImageGenerator"/> over the generation pipeline. All singletons: one model in memory for both pathways.</summary>
public static class VisionBuilderExtensions
{
    public static IDeepSeekBuilder AddVision(this IDeepSeekBuilder builder, Func<VisionOptions, VisionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        ImmutableOptions.Configure(services, configure ?? (static o => o));
        services.TryAddSingleton(provider =>
        {
            string path = ModelPath(provider);
            var limits = Limits(provider);
            var loggers = provider.GetService<ILoggerFactory>();
            ILogger? modelLogger = loggers?.CreateLogger("DeepSeek.Sdk.Vision.Janus.JanusModel");
            return new ModelHost<JanusModel>(path, provider.GetRequiredService<BackendProvider>(),
                (backend, _, _) => JanusModel.Load(path, backend, modelLogger, limits),
                loggers?.CreateLogger<ModelHost<JanusModel>>());
        });
        services.TryAddSingleton(provider => ImageUnderstandingPipeline.FromDirectory(provider.GetRequiredService<ModelHost<JanusModel>>(), ModelPath(provider),
            provider.GetRequiredService<IOptions<VisionOptions>>().Value.Understanding, provider.GetService<ILogger<ImageUnderstandingPipeline>>(), Limits(provider)));
        services.TryAddSingleton(provider => ImageGenerationPipeline.FromDirectory(provider.GetRequiredService<ModelHost<JanusModel>>(), ModelPath(provider),
            provider.GetRequiredService<IOptions<VisionOptions>>().Value.Generation, provider.GetService<ILogger<ImageGenerationPipeline>>(), Limits(provider)));
        services.TryAddSingleton<IImageGenerator>(provider => new DeepSeekImageGenerator(provider.GetRequiredService<ImageGenerationPipeline>(),
            Path.GetFileName(Path.TrimEndingDirectorySeparator(ModelPath(provider)))));
        return builder;
    }

    private static InputLimits Limits(IServiceProvider provider) => provider.GetRequiredService<IOptions<DeepSeekOptions>>().Value.Limits;

    private static string ModelPath(IServiceProvider provider)
    {
        var vision = provider.GetRequiredService<IOptions<VisionOptions>>().Value;
        return !string.IsNullOrWhiteSpace(vision.ModelPath) ? vision.ModelPath
            : provider.GetRequiredService<IOptions<DeepSeekOptions>>().Value.ResolveModelPath(vision.DefaultModel);
    }
}
