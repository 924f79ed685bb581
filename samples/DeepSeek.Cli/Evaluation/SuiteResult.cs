using DeepSeek.Sdk.Models.Tasks;

namespace DeepSeek.Cli.Evaluation;

/// <summary>One suite's problems, run in order, and the wall time they took together.</summary>
public sealed record SuiteResult(EvaluationSuite Suite, IReadOnlyList<ProblemOutcome> Outcomes, TimeSpan WallTime, int Workers)
{
    public int Problems => Outcomes.Count;

    /// <summary>Different problems among <see cref="Problems"/> (<see cref="EvaluationSuite.DistinctProblems"/>): fewer when
    /// the suite's held-out space is smaller than the count asked for (2-digit products, letter counting).</summary>
    public int DistinctProblems => EvaluationSuite.DistinctProblems(Outcomes.Select(o => o.Problem));

    public int Correct => Outcomes.Count(o => o.Correct);

    public int Traced => Outcomes.Count(o => o.Traced);

    public double Accuracy => Problems == 0 ? 0 : (double)Correct / Problems;

    public double TracedFraction => Problems == 0 ? 0 : (double)Traced / Problems;

    public long GeneratedTokens => Outcomes.Sum(o => (long)o.GeneratedTokens);

    /// <summary>Generated tokens over the suite's wall time, all workers together.</summary>
    public double TokensPerSecond => WallTime.TotalSeconds > 0 ? GeneratedTokens / WallTime.TotalSeconds : 0;

    public IEnumerable<ProblemOutcome> Failures => Outcomes.Where(o => !o.Correct);
}
