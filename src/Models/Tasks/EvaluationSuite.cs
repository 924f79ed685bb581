namespace DeepSeek.Sdk.Models.Tasks;

/// <summary>A set of held-out problems the shipped models are scored on (tasks.EVAL_SUITES): a task, and for the
/// arithmetic ones a fixed operand shape (null: the task's training distribution).</summary>
/// <param name="Name">The suite's name in tasks.py and in the training run's eval.json, e.g. add_3digit.</param>
/// <param name="Task">The task of <see cref="SyntheticTasks"/> the problems come from.</param>
/// <param name="Shape">Operand digits for add, sub and mul; null for the training distribution.</param>
/// <param name="Description">What the suite asks, for tables.</param>
public sealed record EvaluationSuite(string Name, string Task, OperandShape? Shape, string Description)
{
    /// <summary>The seed tools/train/train_r1_tiny.py gives a suite's generator in a run seeded with <paramref name="seed"/>
    /// (<c>random.Random(f"{seed}-eval-{suite}")</c>): run seed 1234 gives the problems the published accuracies were
    /// measured on.</summary>
    public string SeedText(long seed) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{seed}-eval-{Name}");

    /// <summary>tasks.sample_eval: <paramref name="count"/> held-out problems in generation order, distinct until
    /// <paramref name="patience"/> draws in a row bring no new question (a suite's held-out space can be smaller than
    /// <paramref name="count"/>: letter counting has 434 questions), after which repeats are kept.</summary>
    public IReadOnlyList<SyntheticProblem> Sample(PythonRandom random, int count, int patience = 20_000)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var problems = new List<SyntheticProblem>(count);
        int stale = 0;
        while (problems.Count < count)
        {
            var problem = SyntheticTasks.Make(Task, random, Shape);
            if (!HeldOutSplit.IsHeldOut(problem.Question)) continue;
            bool known = seen.Contains(problem.Question);
            if (known && stale < patience)
            {
                stale++;
                continue;
            }
            if (!known) stale = 0; // once exhausted (stale == patience) it stays exhausted
            seen.Add(problem.Question);
            problems.Add(problem);
        }
        return problems;
    }

    /// <summary><see cref="Sample(PythonRandom, int, int)"/> seeded as the training run seeds it (<see cref="SeedText"/>).</summary>
    public IReadOnlyList<SyntheticProblem> Sample(long seed, int count) => Sample(new PythonRandom(SeedText(seed)), count);
}
