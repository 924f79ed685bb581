using DeepSeek.Sdk.Layers;

namespace DeepSeek.Sdk.Text.Tests.Layers;

public sealed class ExpertRouterTests
{
    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    [Fact]
    public void Correction_bias_decides_the_selection_but_not_the_weights()
    {
        // Expert 1 has the second-best affinity, but expert 3's bias lifts it above; the weight stays sigmoid(logit).
        float[] logits = [2f, 1f, -3f, 0f];
        float[] bias = [0f, 0f, 0f, 0.5f];
        var router = new ExpertRouter(4, 2, RouterScoring.Sigmoid, RouterSelection.NoAuxTopKGroups, correctionBias: bias);
        var experts = new int[2];
        var weights = new float[2];

        router.Route(logits, experts, weights);

        // Biased scores: 0.881, 0.731, 0.047, 1.0; expert 3 even ranks first, yet weighs sigmoid(0) = 0.5.
        Assert.Equal([3, 0], experts);
        Assert.Equal(Sigmoid(0f), weights[0], 6);
        Assert.Equal(Sigmoid(2f), weights[1], 6);
    }

    [Fact]
    public void Normalized_weights_sum_to_the_routed_scaling_factor()
    {
        float[] logits = [0.3f, -1f, 2f, 0.1f, -0.5f, 1.5f];
        var router = new ExpertRouter(6, 3, RouterScoring.Sigmoid, RouterSelection.NoAuxTopKGroups, normalize: true, scalingFactor: 2.5f,
            correctionBias: new float[6]);
        var experts = new int[3];
        var weights = new float[3];

        router.Route(logits, experts, weights);

        Assert.Equal([2, 5, 0], experts);
        Assert.Equal(2.5f, weights[0] + weights[1] + weights[2], 5);
        float sum = Sigmoid(2f) + Sigmoid(1.5f) + Sigmoid(0.3f);
        Assert.Equal(2.5f * Sigmoid(1.5f) / sum, weights[1], 6);
    }

    [Fact]
    public void Group_limit_excludes_the_best_expert_when_its_group_has_the_lower_top_two_sum()
    {
        // Groups of two: {0,1} sums 0.953 + 0.002, {2,3} 0.731 + 0.731, {4,5} 0.711 + 0.711, {6,7} 0.119 + 0.119.
        // With topk_group 2 only groups {2,3} and {4,5} compete, so expert 0, the best single expert, is not chosen.
        float[] logits = [3f, -6f, 1f, 1f, 0.9f, 0.9f, -2f, -2f];
        var grouped = new ExpertRouter(8, 2, RouterScoring.Sigmoid, RouterSelection.NoAuxTopKGroups, groups: 4, topKGroups: 2, correctionBias: new float[8]);
        var ungrouped = new ExpertRouter(8, 2, RouterScoring.Sigmoid, RouterSelection.NoAuxTopKGroups, groups: 1, topKGroups: 1, correctionBias: new float[8]);
        var experts = new int[2];
        var weights = new float[2];

        grouped.Route(logits, experts, weights);
        Assert.Equal([2, 3], experts);

        ungrouped.Route(logits, experts, weights);
        Assert.Equal([0, 2], experts);
    }

    [Fact]
    public void V2_group_limited_greedy_scores_a_group_by_its_best_expert()
    {
        // By the best expert, group {0,1} wins alone (topk_group 1), so its weak expert 1 beats experts 2 and 3.
        float[] logits = [3f, -6f, 1f, 1f, 0.9f, 0.9f, -2f, -2f];
        var router = new ExpertRouter(8, 2, RouterScoring.Softmax, RouterSelection.GroupLimitedGreedy, groups: 4, topKGroups: 1);
        var experts = new int[2];
        var weights = new float[2];

        router.Route(logits, experts, weights);

        Assert.Equal([0, 1], experts);
    }

    [Fact]
    public void V2_greedy_weights_are_softmax_probabilities_times_the_scaling_factor_without_normalization()
    {
        float[] logits = [1f, 2f, 0f];
        var router = new ExpertRouter(3, 2, RouterScoring.Softmax, RouterSelection.Greedy, scalingFactor: 16f);
        var experts = new int[2];
        var weights = new float[2];

        router.Route(logits, experts, weights);

        double z = Math.Exp(1) + Math.Exp(2) + Math.Exp(0);
        Assert.Equal([1, 0], experts);
        Assert.Equal(16 * Math.Exp(2) / z, weights[0], 5);
        Assert.Equal(16 * Math.Exp(1) / z, weights[1], 5);
    }

    [Fact]
    public void Noaux_routing_without_a_correction_bias_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new ExpertRouter(4, 2, RouterScoring.Sigmoid, RouterSelection.NoAuxTopKGroups));
        Assert.Contains("e_score_correction_bias", error.Message);
    }
}
