namespace DeepSeek.Sdk.Reasoning;

/// <summary>The trace ended: every <see cref="ReasoningDelta"/> came before this, every <see cref="AnswerDelta"/> comes after.</summary>
/// <param name="ReasoningTokens">Tokens the model wrote inside the trace.</param>
/// <param name="ThinkingTime">From the first generated token to the end of the trace.</param>
/// <param name="ClosedByBudget">True when the thinking budget, not the model, ended the trace.</param>
public sealed record ThinkingCompleted(int ReasoningTokens, TimeSpan ThinkingTime, bool ClosedByBudget) : ReasoningUpdate;
