using DeepSeek.Sdk.Models.Shapes;

namespace DeepSeek.Cli.Evaluation;

/// <summary>Understanding scores: per question kind (in <see cref="ShapeWorld.Questions"/> order) and overall, over
/// <paramref name="Scenes"/> scenes of <paramref name="DistinctTuples"/> different (shape, colour, background, position)
/// tuples (the scenes of one tuple differ in size and jitter only).</summary>
public sealed record ShapeUnderstandingResult(int Scenes, int DistinctTuples, IReadOnlyList<int> Correct, IReadOnlyList<(ShapeScene Scene, string Question, string Expected, string Answer)> Failures, TimeSpan WallTime)
{
    public double Accuracy(int question) => Scenes == 0 ? 0 : (double)Correct[question] / Scenes;

    public double Overall => Scenes == 0 ? 0 : (double)Correct.Sum() / (Scenes * Correct.Count);
}
