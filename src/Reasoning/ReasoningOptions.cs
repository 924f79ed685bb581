using DeepSeek.Sdk.Generation;

namespace DeepSeek.Sdk.Reasoning;

/// <summary>How a <see cref="ReasoningPipeline"/> generates: sampling, length limits, and the thinking budget.</summary>
public sealed record ReasoningOptions
{
    /// <summary>R1's recommended sampling: temperature 0.6 (the model card advises 0.5–0.7, since greedy
    /// decoding makes R1 repeat itself) and top-p 0.95, as in DeepSeek-R1's generation_config.json.</summary>
    public static SamplingOptions R1Sampling { get; } = new() { Temperature = 0.6f, TopP = 0.95f };

    public SamplingOptions Sampling { get; init; } = R1Sampling;

    /// <summary>Tokens to generate at most, reasoning, answer and forced tokens together. R1's evaluations
    /// allowed 32,768; the default keeps the KV cache of a local run moderate.</summary>
    public int MaxNewTokens { get; init; } = 8192;

    /// <summary>The thinking budget: once the model has written this many tokens of reasoning without closing
    /// the trace, the pipeline closes it (forcing <c>"\n&lt;/think&gt;"</c> then <see cref="BudgetTransition"/>) and
    /// lets the model answer. 0 skips thinking; null leaves it unlimited.</summary>
    public int? MaxThinkingTokens { get; init; }

    /// <summary>End generation where the trace ends (the model's <c>&lt;/think&gt;</c>, or the budget running
    /// out) instead of going on to the answer.</summary>
    public bool StopAfterThinking { get; init; }

    /// <summary>Text forced after <c>&lt;/think&gt;</c> when the budget closes the trace, before the model
    /// continues; the default is R1's own separator between trace and answer.</summary>
    public string BudgetTransition { get; init; } = "\n\n";

    /// <summary>Strings that end generation (the text is cut before them).</summary>
    public IReadOnlyList<string> StopStrings { get; init; } = [];

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> or <see cref="ArgumentException"/> naming the field that is out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Sampling, nameof(Sampling));
        Sampling.Validate();
        if (MaxNewTokens <= 0) throw new ArgumentOutOfRangeException(nameof(MaxNewTokens), MaxNewTokens, "MaxNewTokens must be > 0.");
        if (MaxThinkingTokens < 0) throw new ArgumentOutOfRangeException(nameof(MaxThinkingTokens), MaxThinkingTokens, "MaxThinkingTokens must be ≥ 0 (0 skips thinking), or null for no budget.");
        ArgumentNullException.ThrowIfNull(BudgetTransition, nameof(BudgetTransition));
        if (BudgetTransition.Contains(ReasoningTraceParser.OpenTag, StringComparison.Ordinal) || BudgetTransition.Contains(ReasoningTraceParser.CloseTag, StringComparison.Ordinal))
            throw new ArgumentException("BudgetTransition must not contain a <think> or </think> tag.", nameof(BudgetTransition));
        ArgumentNullException.ThrowIfNull(StopStrings, nameof(StopStrings));
    }
}
