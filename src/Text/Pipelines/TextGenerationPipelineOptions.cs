using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Tokenization.Templates;

namespace DeepSeek.Sdk.Text.Pipelines;

/// <summary>How a <see cref="TextGenerationPipeline"/> turns requests into generations.</summary>
public sealed record TextGenerationPipelineOptions
{
    /// <summary>Used by requests that pass no options of their own.</summary>
    public GenerationOptions Defaults { get; init; } = new();

    /// <summary>Token ids that end every generation in addition to a request's own stop tokens: the model's EOS
    /// (config.json, generation_config.json). Null uses the tokenizer's eos_token.</summary>
    public IReadOnlyList<int>? EosTokenIds { get; init; }

    /// <summary>Leave special tokens out of the text (transformers' skip_special_tokens), as chat output wants.</summary>
    public bool SkipSpecialTokens { get; init; } = true;

    /// <summary>Put the tokenizer's special tokens (BOS) around a plain-text prompt. Chat prompts never get them:
    /// the template writes its own, as transformers' apply_chat_template does.</summary>
    public bool AddSpecialTokensToPrompt { get; init; } = true;

    /// <summary>The bounds the tokenizer's chat template is parsed and rendered within.</summary>
    public TemplateLimits TemplateLimits { get; init; } = TemplateLimits.Default;
}
