using DeepSeek.Sdk.Generation;

namespace DeepSeek.Sdk.Text.Pipelines;

/// <summary>A finished generation: the text (stop strings and the stop token left out), why it ended, the sampled
/// token ids and what it cost.</summary>
public sealed record TextGenerationResult(string Text, FinishReason FinishReason, IReadOnlyList<int> TokenIds, GenerationStatistics Statistics)
{
    public int PromptTokens => Statistics.PromptTokens;

    public int CompletionTokens => Statistics.CompletionTokens;

    public TimeSpan TimeToFirstToken => Statistics.TimeToFirstToken;

    public double DecodeTokensPerSecond => Statistics.DecodeTokensPerSecond;
}
