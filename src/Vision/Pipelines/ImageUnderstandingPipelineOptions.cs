using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Vision.Janus;

namespace DeepSeek.Sdk.Vision.Pipelines;

/// <summary>How an <see cref="ImageUnderstandingPipeline"/> answers.</summary>
public sealed record ImageUnderstandingPipelineOptions
{
    /// <summary>Used by requests that pass no options of their own (the release answers greedily, up to 512 tokens).</summary>
    public GenerationOptions Defaults { get; init; } = new() { MaxNewTokens = 512, Sampling = SamplingOptions.Greedy };

    /// <summary>Token ids that end every answer besides a request's own stop tokens; null uses the tokenizer's EOS.</summary>
    public IReadOnlyList<int>? EosTokenIds { get; init; }

    /// <summary>Leave special tokens out of the text.</summary>
    public bool SkipSpecialTokens { get; init; } = true;

    /// <summary>The system prompt in front of the user turn; null or empty for none.</summary>
    public string? SystemPrompt { get; init; } = JanusPromptFormat.DefaultSystemPrompt;
}
