namespace DeepSeek.Sdk.Layers;

/// <summary>The gate of a DeepSeek mixture of experts, from one token's gate logits to its experts and their
/// weights, following transformers' DeepseekV3TopkRouter / DeepseekV2Moe.route_tokens_to_experts (the code the
/// reference fixtures come from) and DeepSeek's inference/model.py Gate. Runs on the host over one row at a time
/// with scratch allocated once.</summary>
public sealed class ExpertRouter
{
    private readonly float[]? _correctionBias;
    private readonly float[] _scores;
    private readonly float[] _choice;
    private readonly float[] _groupScores;
    private readonly bool[] _groupKept;

    public ExpertRouter(int experts, int topK, RouterScoring scoring, RouterSelection selection, int groups = 1, int topKGroups = 1,
        bool normalize = false, float scalingFactor = 1f, ReadOnlySpan<float> correctionBias = default)
    {
        if (experts <= 0) throw new ArgumentOutOfRangeException(nameof(experts), $"Experts must be positive, got {experts}.");
        if (topK <= 0 || topK > experts) throw new ArgumentOutOfRangeException(nameof(topK), $"top-k must be in 1..{experts}, got {topK}.");
        if (groups <= 0 || experts % groups != 0) throw new ArgumentOutOfRangeException(nameof(groups), $"{groups} groups do not divide {experts} experts.");
        if (topKGroups <= 0 || topKGroups > groups) throw new ArgumentOutOfRangeException(nameof(topKGroups), $"topk_group must be in 1..{groups}, got {topKGroups}.");
        if (selection == RouterSelection.NoAuxTopKGroups && correctionBias.Length != experts)
            throw new ArgumentException($"noaux_tc routing needs an e_score_correction_bias of {experts} values, got {correctionBias.Length}.", nameof(correctionBias));
        if (selection != RouterSelection.Greedy && topKGroups * (experts / groups) < topK)
            throw new ArgumentException($"{topKGroups} groups of {experts / groups} experts cannot supply {topK} experts.", nameof(topKGroups));
        Experts = experts;
        TopK = topK;
        Scoring = scoring;
        Selection = selection;
        Groups = groups;
        TopKGroups = topKGroups;
        Normalize = normalize;
        ScalingFactor = scalingFactor;
        _correctionBias = correctionBias.IsEmpty ? null : correctionBias.ToArray();
        _scores = new float[experts];
        _choice = new float[experts];
        _groupScores = new float[groups];
        _groupKept = new bool[groups];
    }

    public int Experts { get; }

    public int TopK { get; }

    public RouterScoring Scoring { get; }

    public RouterSelection Selection { get; }

    public int Groups { get; }

    public int TopKGroups { get; }

    public bool Normalize { get; }

    public float ScalingFactor { get; }

    /// <summary>e_score_correction_bias, added to the affinities for the selection only; empty when the router has none.</summary>
    public ReadOnlySpan<float> CorrectionBias => _correctionBias;

    /// <summary>Chooses <see cref="TopK"/> experts for one token from its gate logits and writes their indices and
    /// combination weights (order: by selection score, descending; ties to the lower index).</summary>
    public void Route(ReadOnlySpan<float> logits, Span<int> experts, Span<float> weights)
    {
        if (logits.Length != Experts) throw new ArgumentException($"Expected {Experts} logits, got {logits.Length}.", nameof(logits));
        if (experts.Length < TopK || weights.Length < TopK) throw new ArgumentException($"Outputs need room for {TopK} experts.");
        Score(logits);
        for (int e = 0; e < Experts; e++) _choice[e] = _correctionBias is null ? _scores[e] : _scores[e] + _correctionBias[e];
        if (Selection != RouterSelection.Greedy && Groups > 1) MaskDroppedGroups();
        TopIndices(_choice, experts[..TopK]);

        float sum = 0;
        for (int i = 0; i < TopK; i++)
        {
            weights[i] = _scores[experts[i]];
            sum += weights[i];
        }
        // V3 (noaux_tc) normalizes and then scales by routed_scaling_factor. DeepSeek-V2's MoEGate normalizes
        // when norm_topk_prob is set and scales otherwise (transformers' V2 port, used only with norm_topk_prob
        // false by the published V2 configs, always scales).
        bool scale = Selection == RouterSelection.NoAuxTopKGroups || !Normalize;
        if (Normalize && TopK > 1)
        {
            float inverse = 1f / (sum + 1e-20f);
            for (int i = 0; i < TopK; i++) weights[i] *= inverse;
        }
        if (scale)
            for (int i = 0; i < TopK; i++) weights[i] *= ScalingFactor;
    }

    private void Score(ReadOnlySpan<float> logits)
    {
        if (Scoring == RouterScoring.Sigmoid)
        {
            for (int e = 0; e < Experts; e++) _scores[e] = 1f / (1f + MathF.Exp(-logits[e]));
            return;
        }
        float max = float.NegativeInfinity;
        for (int e = 0; e < Experts; e++) max = Math.Max(max, logits[e]);
        double sum = 0;
        for (int e = 0; e < Experts; e++)
        {
            _scores[e] = MathF.Exp(logits[e] - max);
            sum += _scores[e];
        }
        float inverse = (float)(1.0 / sum);
        for (int e = 0; e < Experts; e++) _scores[e] *= inverse;
    }

    // Keeps the topk_group best groups; the others' experts get choice score 0, which is what transformers'
    // masked_fill(~score_mask, 0.0) does (affinities are positive, so a dropped expert loses to every kept one).
    private void MaskDroppedGroups()
    {
        int size = Experts / Groups;
        for (int g = 0; g < Groups; g++)
        {
            var group = new ReadOnlySpan<float>(_choice, g * size, size);
            if (Selection == RouterSelection.GroupLimitedGreedy)
            {
                float best = float.NegativeInfinity;
                foreach (float v in group) best = Math.Max(best, v);
                _groupScores[g] = best;
            }
            else
            {
                // Sum of the two best biased affinities (DeepseekV3TopkRouter: topk(2).sum()).
                float first = float.NegativeInfinity, second = float.NegativeInfinity;
                foreach (float v in group)
                {
                    if (v > first) { second = first; first = v; }
                    else if (v > second) second = v;
                }
                _groupScores[g] = size == 1 ? first : first + second;
            }
            _groupKept[g] = false;
        }
        for (int k = 0; k < TopKGroups; k++)
        {
            int best = -1;
            for (int g = 0; g < Groups; g++)
                if (!_groupKept[g] && (best < 0 || _groupScores[g] > _groupScores[best])) best = g;
            _groupKept[best] = true;
        }
        for (int g = 0; g < Groups; g++)
            if (!_groupKept[g]) Array.Clear(_choice, g * size, size);
    }

    private static void TopIndices(float[] values, Span<int> indices)
    {
        for (int k = 0; k < indices.Length; k++)
        {
            int best = -1;
            for (int e = 0; e < values.Length; e++)
            {
                if (best >= 0 && !(values[e] > values[best])) continue;
                bool taken = false;
                for (int j = 0; j < k; j++) taken |= indices[j] == e;
                if (!taken) best = e;
            }
            indices[k] = best;
        }
    }
}
