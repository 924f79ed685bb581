using System.Runtime.CompilerServices;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Text.ChatClient;
using DeepSeek.Sdk.Tokenization;
using Microsoft.Extensions.AI;
using AIReasoningOptions = Microsoft.Extensions.AI.ReasoningOptions;

namespace DeepSeek.Sdk.Reasoning.ChatClient;

/// <summary>Microsoft.Extensions.AI's <see cref="IChatClient"/> over a <see cref="ReasoningPipeline"/>: the reasoning
/// trace comes back as <see cref="TextReasoningContent"/> and the answer as <see cref="TextContent"/>, apart, as
/// hosted reasoning models report them; streaming yields each as it is decoded. Earlier assistant turns are sent
/// without their reasoning (R1's convention). <see cref="ChatOptions"/> override the pipeline's defaults like
/// <c>DeepSeekChatClient</c>'s, and <see cref="ChatOptions.Reasoning"/> sets the thinking budget
/// (<see cref="ThinkingBudget"/>) and whether the trace is returned.</summary>
public sealed class ReasoningChatClient : IChatClient
{
    private readonly ReasoningPipeline _pipeline;

    /// <param name="modelId">Reported as the response's ModelId and in <see cref="Metadata"/>.</param>
    public ReasoningChatClient(ReasoningPipeline pipeline, string? modelId = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _pipeline = pipeline;
        Metadata = new ChatClientMetadata(DeepSeekChatClient.ProviderName, providerUri: null, defaultModelId: modelId);
    }

    public ChatClientMetadata Metadata { get; }

    public ReasoningPipeline Pipeline => _pipeline;

    /// <summary>Reasoning tokens allowed per <see cref="ReasoningEffort"/> before the pipeline closes the trace and
    /// lets the model answer: None skips thinking, ExtraHigh leaves it unbounded (up to the token limit). R1's own
    /// traces run from a few hundred tokens (easy questions) to several thousand.</summary>
    public static int? ThinkingBudget(ReasoningEffort effort) => effort switch
    {
        ReasoningEffort.None => 0,
        ReasoningEffort.Low => 512,
        ReasoningEffort.Medium => 2048,
        ReasoningEffort.High => 8192,
        _ => null,
    };

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var turns = ChatOptionsMapping.ToTurns(messages, options);
        var reasoning = ToReasoningOptions(options, _pipeline.Defaults);
        var result = await _pipeline.RunAsync(turns, reasoning, cancellationToken).ConfigureAwait(false);
        string id = NewId();
        var contents = new List<AIContent>();
        if (ReturnsTrace(options) && result.Reasoning.Length > 0) contents.Add(new TextReasoningContent(result.Reasoning));
        contents.Add(new TextContent(result.Answer));
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents) { MessageId = id })
        {
            ResponseId = id,
            ModelId = Metadata.DefaultModelId,
            CreatedAt = DateTimeOffset.UtcNow,
            FinishReason = ToChatFinishReason(result.FinishReason),
            Usage = ToUsage(result),
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var turns = ChatOptionsMapping.ToTurns(messages, options);
        var reasoning = ToReasoningOptions(options, _pipeline.Defaults);
        bool returnsTrace = ReturnsTrace(options);
        string id = NewId();
        var created = DateTimeOffset.UtcNow;
        ChatResponseUpdate Update(IList<AIContent> contents) =>
            new(ChatRole.Assistant, contents) { ResponseId = id, MessageId = id, ModelId = Metadata.DefaultModelId, CreatedAt = created };
        await foreach (var update in _pipeline.StreamAsync(turns, reasoning, cancellationToken).ConfigureAwait(false))
        {
            switch (update)
            {
                case ReasoningDelta delta when returnsTrace:
                    yield return Update([new TextReasoningContent(delta.Text)]);
                    break;
                case AnswerDelta delta:
                    yield return Update([new TextContent(delta.Text)]);
                    break;
                case ReasoningCompleted { Result: var result }:
                    var last = Update([new UsageContent(ToUsage(result))]);
                    last.FinishReason = ToChatFinishReason(result.FinishReason);
                    yield return last;
                    break;
            }
        }
    }

    /// <summary>The request's options over the pipeline's <paramref name="defaults"/>: sampling, token limit and stop
    /// strings as <see cref="ChatOptionsMapping"/> maps them; <see cref="AIReasoningOptions.Effort"/> sets
    /// <see cref="ReasoningOptions.MaxThinkingTokens"/> through <see cref="ThinkingBudget"/>.</summary>
    public static ReasoningOptions ToReasoningOptions(ChatOptions? options, ReasoningOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        if (options is null) return defaults;
        var result = defaults with { Sampling = ChatOptionsMapping.ToSampling(options, defaults.Sampling) };
        if (ChatOptionsMapping.MaxOutputTokens(options) is { } max) result = result with { MaxNewTokens = max };
        if (options.StopSequences is { Count: > 0 } stops) result = result with { StopStrings = [.. defaults.StopStrings, .. stops] };
        if (options.Reasoning?.Effort is { } effort) result = result with { MaxThinkingTokens = ThinkingBudget(effort) };
        result.Validate();
        return result;
    }

    /// <summary>Stop token or string, or the end of thinking when asked to stop there: Stop; token limit or full
    /// context: Length.</summary>
    public static ChatFinishReason? ToChatFinishReason(ReasoningFinishReason reason) => reason switch
    {
        ReasoningFinishReason.StopToken or ReasoningFinishReason.StopString or ReasoningFinishReason.EndOfThinking => ChatFinishReason.Stop,
        ReasoningFinishReason.MaxTokens or ReasoningFinishReason.ContextFull => ChatFinishReason.Length,
        _ => null,
    };

    /// <summary>This client, its <see cref="ChatClientMetadata"/>, the pipeline, its tokenizer, or null.</summary>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        ChatOptionsMapping.GetService(serviceType, serviceKey, this, Metadata, _pipeline, _pipeline.Tokenizer);

    /// <summary>The pipeline is shared (and owned by whoever built it), so there is nothing to release.</summary>
    public void Dispose()
    {
    }

    // ReasoningOutput.None asks for the answer alone; Summary gets the whole trace (R1 writes no summaries).
    private static bool ReturnsTrace(ChatOptions? options) => options?.Reasoning?.Output is not ReasoningOutput.None;

    // Output tokens: everything generated, the pipeline's forced end-of-thinking tokens included.
    private static UsageDetails ToUsage(ReasoningResult result) => new()
    {
        InputTokenCount = result.PromptTokens,
        OutputTokenCount = result.ReasoningTokens + result.AnswerTokens + result.ForcedTokens,
        TotalTokenCount = result.PromptTokens + result.ReasoningTokens + result.AnswerTokens + result.ForcedTokens,
        ReasoningTokenCount = result.ReasoningTokens,
    };

    private static string NewId() => "chatcmpl-" + Guid.NewGuid().ToString("N");
}
