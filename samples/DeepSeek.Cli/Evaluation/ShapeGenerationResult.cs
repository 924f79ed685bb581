using DeepSeek.Sdk.Models.Shapes;

namespace DeepSeek.Cli.Evaluation;

/// <summary>Generation scores: the fraction of pictures whose analysis matches the prompt, and per attribute.</summary>
public sealed record ShapeGenerationResult(IReadOnlyList<(ShapeScene Scene, string Prompt, ShapeAnalysis Analysis)> Outcomes, float CfgWeight, float Temperature, TimeSpan WallTime)
{
    public double Fraction(Func<ShapeScene, ShapeAnalysis, bool> test)
    {
        ArgumentNullException.ThrowIfNull(test);
        return Outcomes.Count == 0 ? 0 : (double)Outcomes.Count(o => test(o.Scene, o.Analysis)) / Outcomes.Count;
    }

    public double MatchFraction => Fraction((s, a) => a.Matches(s));

    /// <summary>Different prompts among the outcomes: greedy decoding draws one picture per prompt, so this is how many
    /// independent outcomes the fractions weigh.</summary>
    public int DistinctPrompts => Outcomes.Select(o => o.Prompt).Distinct(StringComparer.Ordinal).Count();
}
