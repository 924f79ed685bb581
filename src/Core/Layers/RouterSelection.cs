namespace DeepSeek.Sdk.Layers;

/// <summary>How an <see cref="ExpertRouter"/> picks experts (config topk_method).</summary>
public enum RouterSelection
{
    /// <summary>DeepSeek-V2 "greedy": the top-k affinities.</summary>
    Greedy,
    /// <summary>DeepSeek-V2 "group_limited_greedy" (device-limited routing, V2 §2.2.2): a group scores its best
    /// affinity; only experts of the topk_group best groups compete.</summary>
    GroupLimitedGreedy,
    /// <summary>DeepSeek-V3 "noaux_tc" (auxiliary-loss-free balancing, V3 §2.1.2): selection uses affinities plus
    /// e_score_correction_bias; a group scores the sum of its two best biased affinities; only experts of the
    /// topk_group best groups compete; the weights come from the unbiased affinities.</summary>
    NoAuxTopKGroups,
}
