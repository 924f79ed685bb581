namespace DeepSeek.Sdk.Text.Pipelines;

/// <summary>What one generation cost.</summary>
/// <param name="PromptTokens">Tokens of the prompt (after the chat template).</param>
/// <param name="CompletionTokens">Tokens sampled, a final stop token included.</param>
/// <param name="QueueTime">Time spent waiting for the model behind other requests (and for it to load).</param>
/// <param name="TimeToFirstToken">From the call to the first sampled token: queue, prompt processing (prefill) and one sample.</param>
/// <param name="Duration">From the call to the last token.</param>
/// <param name="DecodeTokensPerSecond">Tokens after the first, per second between the first and the last (0 for fewer than two
/// tokens). Streaming callers' own time between updates counts, since the model waits for them.</param>
public sealed record GenerationStatistics(
    int PromptTokens,
    int CompletionTokens,
    TimeSpan QueueTime,
    TimeSpan TimeToFirstToken,
    TimeSpan Duration,
    double DecodeTokensPerSecond)
{
    public int TotalTokens => PromptTokens + CompletionTokens;
}
