namespace DeepSeek.Sdk.Reasoning;

/// <summary>Where a <see cref="ReasoningTraceParser"/> is in the model's output.</summary>
public enum TracePhase
{
    /// <summary>Nothing but whitespace yet, and the prompt did not open the trace: a <c>&lt;think&gt;</c> may still come.</summary>
    BeforeTrace,
    /// <summary>Inside the thinking trace, waiting for <c>&lt;/think&gt;</c>.</summary>
    Reasoning,
    /// <summary>After the trace (or, when none was opened, from the first non-whitespace text): the answer.</summary>
    Answer,
}
