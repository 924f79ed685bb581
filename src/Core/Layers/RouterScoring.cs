namespace DeepSeek.Sdk.Layers;

/// <summary>How an <see cref="ExpertRouter"/> turns gate logits into expert affinities (config scoring_func).</summary>
public enum RouterScoring
{
    /// <summary>DeepSeek-V2: softmax over all routed experts.</summary>
    Softmax,
    /// <summary>DeepSeek-V3 (§2.1.2, eq. 15): an independent sigmoid per expert.</summary>
    Sigmoid,
}
