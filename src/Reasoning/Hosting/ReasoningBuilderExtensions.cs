using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Hosting;
using DeepSeek.Sdk.Reasoning;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Text;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary><c>services.AddDeepSeek(...).AddReasoning(o => o with { MaxThinkingTokens = 2048 })</c>: a
/// <see cref="ReasoningPipeline"/> over the text model of <see cref="DeepSeekOptions.ModelPath"/>, with
/// <see cref="ReasoningOptions"/> as its request defaults. The model sits behind the same
/// <see cref="ModelHost{TModel}"/> <c>AddTextGeneration()</c> uses (whichever registers it first), so both pipelines
/// share one model in memory. <see cref="DeepSeekOptions.Generation"/> does not apply: reasoning keeps R1's sampling
/// unless <paramref name="configure"/> changes it.</summary>
public static class ReasoningBuilderExtensions
{
    public static IDeepSeekBuilder AddReasoning(this IDeepSeekBuilder builder, Func<ReasoningOptions, ReasoningOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        ImmutableOptions.Configure(services, configure ?? (options => options));
        // The same registration as AddTextGeneration's: TryAdd keeps the first, so the host is shared.
        services.TryAddSingleton(provider =>
        {
            string path = ValidOptions(provider).ModelPath!;
            var loggers = provider.GetService<ILoggerFactory>();
            ILogger? modelLogger = loggers?.CreateLogger("DeepSeek.Sdk.Text.TextModels");
            return new ModelHost<ICausalLanguageModel>(path, provider.GetRequiredService<BackendProvider>(),
                (backend, progress, _) => TextModels.Load(path, backend, modelLogger, progress),
                loggers?.CreateLogger<ModelHost<ICausalLanguageModel>>());
        });
        services.TryAddSingleton(provider =>
        {
            var reasoning = provider.GetRequiredService<IOptions<ReasoningOptions>>().Value;
            reasoning.Validate();
            return ReasoningPipeline.FromDirectory(provider.GetRequiredService<ModelHost<ICausalLanguageModel>>(), ValidOptions(provider).ModelPath!,
                reasoning, provider.GetService<ILogger<ReasoningPipeline>>());
        });
        return builder;
    }

    private static DeepSeekOptions ValidOptions(IServiceProvider provider)
    {
        var options = provider.GetRequiredService<IOptions<DeepSeekOptions>>().Value;
        options.Validate();
        return options;
    }
}
