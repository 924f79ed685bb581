using DeepSeek.Sdk.Models.Shapes;

namespace DeepSeek.Cli.Evaluation;

/// <summary>Understanding scores: per question kind (in <see cref="ShapeWorld.Questions"/> order) and overall.</summary>
public sealed record ShapeUnderstandingResult(int Scenes, IReadOnlyList<int> Correct, IReadOnlyList<(ShapeScene Scene, string Question, string Expected, string Answer)> Failures, TimeSpan WallTime)
{
    public double Accuracy(int question) => Scenes == 0 ? 0 : (double)Correct[question] / Scenes;

    public double Overall => Scenes == 0 ? 0 : (double)Correct.Sum() / (Scenes * Correct.Count);
}
