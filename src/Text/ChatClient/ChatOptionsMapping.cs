using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Text.Pipelines;
using DeepSeek.Sdk.Tokenization;
using Microsoft.Extensions.AI;

namespace DeepSeek.Sdk.Text.ChatClient;

/// <summary>Translations between Microsoft.Extensions.AI's chat types and the pipeline's.</summary>
public static class ChatOptionsMapping
{
    /// <summary>The request's options over <paramref name="defaults"/>: each ChatOptions field that is set replaces the
    /// default (Temperature, TopP, TopK, MaxOutputTokens, FrequencyPenalty, PresencePenalty, Seed); StopSequences are
    /// added to the default stop strings. A 64-bit seed is folded to the sampler's 32 bits (high XOR low), so equal
    /// seeds still give equal generations.</summary>
    public static GenerationOptions ToGenerationOptions(ChatOptions? options, GenerationOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        if (options is null) return defaults;
        var result = defaults with { Sampling = ToSampling(options, defaults.Sampling) };
        if (MaxOutputTokens(options) is { } max) result = result with { MaxNewTokens = max };
        if (options.StopSequences is { Count: > 0 } stops)
            result = result with { StopStrings = [.. defaults.StopStrings, .. stops] };
        return result;
    }

    /// <summary>The sampling fields of <paramref name="options"/> over <paramref name="defaults"/> (see
    /// <see cref="ToGenerationOptions"/>); refuses tools, which no DeepSeek.Sdk client runs yet.</summary>
    public static SamplingOptions ToSampling(ChatOptions options, SamplingOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(defaults);
        if (options.Tools is { Count: > 0 })
            throw new NotSupportedException("DeepSeek.Sdk chat clients do not run tool calls yet; remove ChatOptions.Tools.");
        var sampling = defaults;
        if (options.Temperature is { } temperature) sampling = sampling with { Temperature = temperature };
        if (options.TopP is { } topP) sampling = sampling with { TopP = topP };
        if (options.TopK is { } topK) sampling = sampling with { TopK = topK };
        if (options.FrequencyPenalty is { } frequency) sampling = sampling with { FrequencyPenalty = frequency };
        if (options.PresencePenalty is { } presence) sampling = sampling with { PresencePenalty = presence };
        if (options.Seed is { } seed) sampling = sampling with { Seed = unchecked((int)seed ^ (int)(seed >> 32)) };
        sampling.Validate();
        return sampling;
    }

    /// <summary><see cref="ChatOptions.MaxOutputTokens"/>, checked to be positive.</summary>
    public static int? MaxOutputTokens(ChatOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxOutputTokens is not { } max) return null;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max, "ChatOptions.MaxOutputTokens");
        return max;
    }

    /// <summary>The conversation as chat-template turns, with <see cref="ChatOptions.Instructions"/> as a leading
    /// system turn. Text content is joined per message; usage and reasoning content (which come back from this
    /// client's own responses) are skipped; anything else (images, function calls) is refused.</summary>
    public static IReadOnlyList<ChatTurn> ToTurns(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var turns = new List<ChatTurn>();
        if (!string.IsNullOrEmpty(options?.Instructions)) turns.Add(ChatTurn.System(options.Instructions));
        foreach (var message in messages)
        {
            ArgumentNullException.ThrowIfNull(message);
            var text = new System.Text.StringBuilder();
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case TextContent t:
                        text.Append(t.Text);
                        break;
                    case UsageContent or TextReasoningContent:
                        break;
                    default:
                        throw new NotSupportedException($"DeepSeek.Sdk chat clients handle text messages only; a {message.Role} message holds {content.GetType().Name}.");
                }
            }
            turns.Add(new ChatTurn(message.Role.Value, text.ToString()));
        }
        if (turns.Count == 0) throw new ArgumentException("At least one message is needed.", nameof(messages));
        return turns;
    }

    /// <summary>Stop token, stop string or a generation controller's stop: Stop; token limit or full context: Length.</summary>
    public static ChatFinishReason? ToChatFinishReason(FinishReason reason) => reason switch
    {
        FinishReason.StopToken or FinishReason.StopString or FinishReason.Stopped => ChatFinishReason.Stop,
        FinishReason.MaxTokens or FinishReason.ContextFull => ChatFinishReason.Length,
        _ => null,
    };

    public static UsageDetails ToUsage(GenerationStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        return new UsageDetails
        {
            InputTokenCount = statistics.PromptTokens,
            OutputTokenCount = statistics.CompletionTokens,
            TotalTokenCount = statistics.TotalTokens,
        };
    }

    /// <summary>Time to first token (ms) and decode speed (tokens/s), for callers that want them.</summary>
    public static AdditionalPropertiesDictionary Timings(GenerationStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        return new AdditionalPropertiesDictionary
        {
            ["time_to_first_token_ms"] = statistics.TimeToFirstToken.TotalMilliseconds,
            ["decode_tokens_per_second"] = statistics.DecodeTokensPerSecond,
            ["queue_time_ms"] = statistics.QueueTime.TotalMilliseconds,
        };
    }

    /// <summary>IChatClient.GetService for the SDK's chat clients: the client itself, its metadata, the pipeline it
    /// wraps, or that pipeline's tokenizer; null for anything else or any key.</summary>
    public static object? GetService(Type serviceType, object? serviceKey, IChatClient client, ChatClientMetadata metadata, object pipeline, Tokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return metadata;
        if (serviceType.IsInstanceOfType(client)) return client;
        if (serviceType.IsInstanceOfType(pipeline)) return pipeline;
        if (serviceType == typeof(Tokenizer)) return tokenizer;
        return null;
    }
}
