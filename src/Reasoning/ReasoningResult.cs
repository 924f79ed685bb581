namespace DeepSeek.Sdk.Reasoning;

/// <summary>The outcome of one reasoning request.</summary>
public sealed record ReasoningResult
{
    /// <summary>The thinking trace, without its tags and trimmed where it meets them.</summary>
    public required string Reasoning { get; init; }

    /// <summary>The answer after the trace, without leading whitespace (empty when the trace never closed).</summary>
    public required string Answer { get; init; }

    public required int PromptTokens { get; init; }

    /// <summary>Tokens the model wrote inside the trace, the ones that close it included.</summary>
    public required int ReasoningTokens { get; init; }

    /// <summary>Tokens the model wrote after the trace.</summary>
    public required int AnswerTokens { get; init; }

    /// <summary>Tokens the pipeline put into the sequence itself (<c>&lt;/think&gt;</c> and the transition when
    /// the budget closed the trace); counted in neither the reasoning nor the answer.</summary>
    public required int ForcedTokens { get; init; }

    /// <summary>True when the trace ended: the model closed it, or the thinking budget did.</summary>
    public required bool TraceClosed { get; init; }

    /// <summary>True when the thinking budget ran out: the pipeline closed the trace (or, with
    /// <see cref="ReasoningOptions.StopAfterThinking"/>, stopped there).</summary>
    public required bool ClosedByBudget { get; init; }

    public required ReasoningFinishReason FinishReason { get; init; }

    public required ReasoningTimings Timings { get; init; }
}
