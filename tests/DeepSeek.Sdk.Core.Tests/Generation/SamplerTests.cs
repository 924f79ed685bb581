using DeepSeek.Sdk.Generation;

namespace DeepSeek.Sdk.Core.Tests.Generation;

public class SamplerTests
{
    private static float[] RandomLogits(int n, int seed)
    {
        var rng = new Random(seed);
        var l = new float[n];
        for (int i = 0; i < n; i++) l[i] = (float)(rng.NextDouble() * 8 - 4);
        return l;
    }

    private static int[] Draw(SamplingOptions options, float[] logits, int count)
    {
        var sampler = new Sampler(options, logits.Length);
        sampler.Reset([]);
        var ids = new int[count];
        for (int i = 0; i < count; i++) ids[i] = sampler.Sample((float[])logits.Clone());
        return ids;
    }

    [Fact]
    public void Same_seed_gives_the_same_tokens_and_another_seed_does_not()
    {
        var logits = RandomLogits(5000, 1);
        var options = new SamplingOptions { Temperature = 0.8f, TopP = 0.95f, TopK = 500, Seed = 42 };
        var a = Draw(options, logits, 200);
        var b = Draw(options, logits, 200);
        var c = Draw(options with { Seed = 43 }, logits, 200);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Greedy_takes_the_argmax_and_the_lowest_index_on_ties()
    {
        var sampler = new Sampler(SamplingOptions.Greedy, 4);
        Assert.Equal(1, sampler.Sample([0f, 3f, 3f, 1f]));
    }

    [Fact]
    public void Top_k_never_leaves_the_k_best()
    {
        var logits = RandomLogits(1000, 2);
        var best = Enumerable.Range(0, 1000).OrderByDescending(i => logits[i]).Take(5).ToHashSet();
        foreach (int id in Draw(new SamplingOptions { TopK = 5, Seed = 1 }, logits, 500)) Assert.Contains(id, best);
    }

    [Fact]
    public void Top_p_keeps_the_smallest_prefix_reaching_p()
    {
        // Probabilities 0.5, 0.3, 0.15, 0.05: top-p 0.75 keeps exactly the first two.
        float[] logits = [MathF.Log(0.5f), MathF.Log(0.3f), MathF.Log(0.15f), MathF.Log(0.05f)];
        var drawn = Draw(new SamplingOptions { TopP = 0.75f, Seed = 3 }, logits, 2000);
        Assert.All(drawn, id => Assert.True(id < 2));
        double share0 = drawn.Count(id => id == 0) / 2000.0;
        Assert.InRange(share0, 0.5 / 0.8 - 0.05, 0.5 / 0.8 + 0.05); // renormalized 0.625, ±5% sampling noise
    }

    [Fact]
    public void Top_p_over_a_large_vocabulary_matches_a_full_sort()
    {
        var logits = RandomLogits(50_000, 4);
        double max = logits.Max();
        var sorted = Enumerable.Range(0, logits.Length).OrderByDescending(i => logits[i]).ThenBy(i => i).ToArray();
        double total = logits.Sum(l => Math.Exp(l - max));
        var nucleus = new HashSet<int>();
        double mass = 0;
        foreach (int id in sorted)
        {
            nucleus.Add(id);
            mass += Math.Exp(logits[id] - max);
            if (mass >= 0.5 * total) break;
        }
        foreach (int id in Draw(new SamplingOptions { TopP = 0.5f, Seed = 5 }, logits, 300)) Assert.Contains(id, nucleus);
    }

    [Fact]
    public void Min_p_drops_tokens_below_the_fraction_of_the_top_probability()
    {
        float[] logits = [0f, MathF.Log(0.5f), MathF.Log(0.09f)];
        var drawn = Draw(new SamplingOptions { MinP = 0.1f, Seed = 6 }, logits, 1000);
        Assert.DoesNotContain(2, drawn);
        Assert.Contains(1, drawn);
    }

    [Fact]
    public void Repetition_penalty_divides_positive_and_multiplies_negative_logits_of_seen_tokens()
    {
        var sampler = new Sampler(SamplingOptions.Greedy with { RepetitionPenalty = 2f }, 3);
        sampler.Reset([0, 2]);
        float[] logits = [4f, 3f, -1f];
        Assert.Equal(1, sampler.Sample(logits));
        Assert.Equal([2f, 3f, -2f], logits);
    }

    [Fact]
    public void Frequency_and_presence_penalties_count_generated_tokens_only()
    {
        var sampler = new Sampler(SamplingOptions.Greedy with { FrequencyPenalty = 0.5f, PresencePenalty = 1f }, 3);
        sampler.Reset([1]);
        sampler.Accept(0);
        sampler.Accept(0);
        float[] logits = [3f, 1f, 0f];
        sampler.Sample(logits);
        Assert.Equal([3f - 0.5f * 2 - 1f, 1f, 0f], logits);
    }

    [Fact]
    public void Options_out_of_range_are_rejected_by_name()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Sampler(new SamplingOptions { TopP = 0 }, 10));
        Assert.Equal("TopP", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sampler(new SamplingOptions { Temperature = -1 }, 10));
    }

    public static TheoryData<SamplingOptions, string> NonFiniteOptions() => new()
    {
        { new SamplingOptions { Temperature = float.PositiveInfinity }, "Temperature" },
        { new SamplingOptions { Temperature = float.NaN }, "Temperature" },
        { new SamplingOptions { TopP = float.NaN }, "TopP" },
        { new SamplingOptions { MinP = float.NaN }, "MinP" },
        { new SamplingOptions { RepetitionPenalty = float.PositiveInfinity }, "RepetitionPenalty" },
        { new SamplingOptions { FrequencyPenalty = float.NegativeInfinity }, "FrequencyPenalty" },
        { new SamplingOptions { PresencePenalty = float.PositiveInfinity }, "PresencePenalty" },
    };

    [Theory]
    [MemberData(nameof(NonFiniteOptions))]
    public void An_infinite_or_NaN_setting_is_rejected_naming_the_field_and_its_value(SamplingOptions options, string field)
    {
        // Infinity would turn the logits into NaN (or all into one value), and sampling from them picks garbage.
        var e = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal(field, e.ParamName);
        Assert.StartsWith($"SamplingOptions.{field} must be", e.Message);
        Assert.Contains("got ", e.Message);
    }
}
