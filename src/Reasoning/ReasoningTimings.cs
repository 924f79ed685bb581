namespace DeepSeek.Sdk.Reasoning;

/// <summary>Where the time of one reasoning request went.</summary>
/// <param name="TimeToFirstToken">From the request (prompt rendering and encoding, waiting for the model behind other requests, prefill) to the first generated token.</param>
/// <param name="ThinkingTime">From the first generated token to the end of the trace; to the end of generation when the trace never closed.</param>
/// <param name="Total">From the request to the last token.</param>
public sealed record ReasoningTimings(TimeSpan TimeToFirstToken, TimeSpan ThinkingTime, TimeSpan Total);
