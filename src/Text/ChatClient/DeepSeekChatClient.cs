using System.Runtime.CompilerServices;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Text.Pipelines;
using DeepSeek.Sdk.Tokenization;
using Microsoft.Extensions.AI;

namespace DeepSeek.Sdk.Text.ChatClient;

/// <summary>Microsoft.Extensions.AI's <see cref="IChatClient"/> over a <see cref="TextGenerationPipeline"/>, so code
/// written against that abstraction (Semantic Kernel-style agents, middleware such as logging or caching clients)
/// runs DeepSeek models in-process. Messages are rendered with the model's chat template; <see cref="ChatOptions"/>
/// override the pipeline's defaults field by field (<see cref="ChatOptionsMapping"/>). Tool calling and non-text
/// content are refused with <see cref="NotSupportedException"/> rather than silently dropped.</summary>
public sealed class DeepSeekChatClient : IChatClient
{
    public const string ProviderName = "deepseek-sdk";

    private readonly TextGenerationPipeline _pipeline;

    /// <param name="modelId">Reported as the response's ModelId and in <see cref="Metadata"/> (e.g. the model folder's name).</param>
    public DeepSeekChatClient(TextGenerationPipeline pipeline, string? modelId = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _pipeline = pipeline;
        Metadata = new ChatClientMetadata(ProviderName, providerUri: null, defaultModelId: modelId);
    }

    public ChatClientMetadata Metadata { get; }

    public TextGenerationPipeline Pipeline => _pipeline;

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var turns = ChatOptionsMapping.ToTurns(messages, options);
        var generation = ChatOptionsMapping.ToGenerationOptions(options, _pipeline.Options.Defaults);
        var result = await _pipeline.GenerateAsync(turns, generation, cancellationToken).ConfigureAwait(false);
        string id = NewId();
        var message = new ChatMessage(ChatRole.Assistant, result.Text) { MessageId = id };
        var response = new ChatResponse(message)
        {
            ResponseId = id,
            ModelId = Metadata.DefaultModelId,
            CreatedAt = DateTimeOffset.UtcNow,
            FinishReason = ChatOptionsMapping.ToChatFinishReason(result.FinishReason),
            Usage = ChatOptionsMapping.ToUsage(result.Statistics),
            AdditionalProperties = ChatOptionsMapping.Timings(result.Statistics),
        };
        return response;
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var turns = ChatOptionsMapping.ToTurns(messages, options);
        var generation = ChatOptionsMapping.ToGenerationOptions(options, _pipeline.Options.Defaults);
        string id = NewId();
        var created = DateTimeOffset.UtcNow;
        await foreach (var update in _pipeline.GenerateStreamingAsync(turns, generation, cancellationToken).ConfigureAwait(false))
        {
            if (update.Text.Length > 0)
                yield return new ChatResponseUpdate(ChatRole.Assistant, update.Text) { ResponseId = id, MessageId = id, ModelId = Metadata.DefaultModelId, CreatedAt = created };
            if (update.Statistics is { } statistics)
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(ChatOptionsMapping.ToUsage(statistics))])
                {
                    ResponseId = id,
                    MessageId = id,
                    ModelId = Metadata.DefaultModelId,
                    CreatedAt = created,
                    FinishReason = ChatOptionsMapping.ToChatFinishReason(update.FinishReason),
                    AdditionalProperties = ChatOptionsMapping.Timings(statistics),
                };
            }
        }
    }

    /// <summary>This client, its <see cref="ChatClientMetadata"/>, the pipeline, its tokenizer, or null.</summary>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        ChatOptionsMapping.GetService(serviceType, serviceKey, this, Metadata, _pipeline, _pipeline.Tokenizer);

    /// <summary>The pipeline is shared (and owned by whoever built it), so there is nothing to release.</summary>
    public void Dispose()
    {
    }

    private static string NewId() => "chatcmpl-" + Guid.NewGuid().ToString("N");
}
