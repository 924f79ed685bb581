using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Hosting;
using DeepSeek.Sdk.Reasoning;
using DeepSeek.Sdk.Reasoning.ChatClient;
using IChatClient = Microsoft.Extensions.AI.IChatClient;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Text;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary><c>services.AddDeepSeek(...).AddReasoning(o => o with { MaxThinkingTokens = 2048 })</c>: a
/// <see cref="ReasoningPipeline"/> over the text model of <see cref="DeepSeekOptions.ModelPath"/>, with
/// <see cref="ReasoningOptions"/> as its request defaults. The model sits behind the same
/// <see cref="ModelHost{TModel}"/> as <c>AddTextGeneration()</c> (both register it through <c>AddTextModel()</c>), so
/// both pipelines share one model in memory. <see cref="DeepSeekOptions.Generation"/> does not apply: reasoning keeps R1's sampling
/// unless <paramref name="configure"/> changes it. It also registers a <see cref="ReasoningChatClient"/> as the
/// <see cref="IChatClient"/> (reasoning apart from the answer) unless one is registered already: call AddReasoning
/// before AddTextGeneration to get it when both are added.</summary>
public static class ReasoningBuilderExtensions
{
    public static IDeepSeekBuilder AddReasoning(this IDeepSeekBuilder builder, Func<ReasoningOptions, ReasoningOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddTextModel();
        var services = builder.Services;
        ImmutableOptions.Configure(services, configure ?? (options => options));
        services.TryAddSingleton(provider =>
        {
            var reasoning = provider.GetRequiredService<IOptions<ReasoningOptions>>().Value;
            reasoning.Validate();
            return ReasoningPipeline.FromDirectory(provider.GetRequiredService<ModelHost<ICausalLanguageModel>>(), TextGenerationBuilderExtensions.ModelPath(provider),
                reasoning, provider.GetService<ILogger<ReasoningPipeline>>(), provider.GetRequiredService<IOptions<DeepSeekOptions>>().Value.Limits);
        });
        services.TryAddSingleton<IChatClient>(provider => new ReasoningChatClient(provider.GetRequiredService<ReasoningPipeline>(),
            Path.GetFileName(Path.TrimEndingDirectorySeparator(TextGenerationBuilderExtensions.ModelPath(provider)))));
        return builder;
    }
}
