using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Hosting;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Text;
using DeepSeek.Sdk.Text.ChatClient;
using DeepSeek.Sdk.Text.Pipelines;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary><c>services.AddDeepSeek(...).AddTextGeneration()</c>: the text model of <see cref="DeepSeekOptions.ModelPath"/>
/// behind a <see cref="ModelHost{TModel}"/> (loaded on first use, on the shared backend), a
/// <see cref="TextGenerationPipeline"/> over it, and an <see cref="IChatClient"/> over the pipeline. All singletons:
/// one model in memory however many requests run.</summary>
public static class TextGenerationBuilderExtensions
{
    /// <summary>Only the text model of <see cref="DeepSeekOptions.ModelPath"/>: a <see cref="ModelHost{TModel}"/> of
    /// <see cref="ICausalLanguageModel"/> on the shared backend, loaded on first use. Every pipeline over a text model
    /// (text generation, reasoning) registers it through here; the first registration wins, so they share one model.</summary>
    public static IDeepSeekBuilder AddTextModel(this IDeepSeekBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(provider =>
        {
            string path = ModelPath(provider);
            var limits = provider.GetRequiredService<IOptions<DeepSeekOptions>>().Value.Limits;
            var loggers = provider.GetService<ILoggerFactory>();
            ILogger? modelLogger = loggers?.CreateLogger("DeepSeek.Sdk.Text.TextModels");
            return new ModelHost<ICausalLanguageModel>(path, provider.GetRequiredService<BackendProvider>(),
                (backend, progress, _) => TextModels.Load(path, backend, modelLogger, progress, limits),
                loggers?.CreateLogger<ModelHost<ICausalLanguageModel>>());
        });
        return builder;
    }

    public static IDeepSeekBuilder AddTextGeneration(this IDeepSeekBuilder builder)
    {
        builder.AddTextModel();
        var services = builder.Services;
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<DeepSeekOptions>>().Value;
            return TextGenerationPipeline.FromDirectory(provider.GetRequiredService<ModelHost<ICausalLanguageModel>>(), ModelPath(provider),
                options.Generation, provider.GetService<ILogger<TextGenerationPipeline>>(), options.Limits);
        });
        services.TryAddSingleton<IChatClient>(provider =>
        {
            return new DeepSeekChatClient(provider.GetRequiredService<TextGenerationPipeline>(), Path.GetFileName(Path.TrimEndingDirectorySeparator(ModelPath(provider))));
        });
        return builder;
    }

    /// <summary>The text model's folder: DeepSeekOptions.ModelPath, or the shipped default text model.</summary>
    public static string ModelPath(IServiceProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return provider.GetRequiredService<IOptions<DeepSeekOptions>>().Value.ResolveModelPath();
    }
}
