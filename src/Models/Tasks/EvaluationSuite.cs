namespace DeepSeek.Sdk.Models.Tasks;

/// <summary>A set of held-out problems the shipped models are scored on (tasks.EVAL_SUITES): a task, and for the
/// arithmetic ones a fixed operand shape (null: the task's training distribution).</summary>
/// <param name="Name">The suite's name in tasks.py and in the training run's eval.json, e.g. add_3digit.</param>
/// <param name="Task">The task of <see cref="SyntheticTasks"/> the problems come from.</param>
/// <param name="Shape">Operand digits for add, sub and mul; null for the training distribution.</param>
/// <param name="Description">What the suite asks, for tables.</param>
public sealed record EvaluationSuite(string Name, string Task, OperandShape? Shape, string Description)
{
    /// <summary>The seed text of a suite's generator for <paramref name="seed"/>, as tools/train/train_r1_tiny.py seeds its
    /// evaluation (<c>random.Random(f"{seed}-eval-{suite}")</c>): seed 1234 gives the problems the training run scored
    /// transformers on (a check, not a reported figure).</summary>
    public string SeedText(long seed) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{seed}-eval-{Name}");

    /// <summary>tasks.sample_eval: <paramref name="count"/> held-out problems in generation order, distinct problems
    /// (<see cref="HeldOutSplit.CanonicalKey"/>: no two twins) until <paramref name="patience"/> draws in a row bring
    /// no new one, after which repeats are kept: a suite's held-out space can be smaller than <paramref name="count"/>
    /// (2-digit products have about 250 held-out problems, letter counting about 430).</summary>
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
            string key = HeldOutSplit.CanonicalKey(problem.Question);
            bool known = seen.Contains(key);
            if (known && stale < patience)
            {
                stale++;
                continue;
            }
            if (!known) stale = 0; // once exhausted (stale == patience) it stays exhausted
            seen.Add(key);
            problems.Add(problem);
        }
        return problems;
    }

    /// <summary>How many different problems (<see cref="HeldOutSplit.CanonicalKey"/>) <paramref name="problems"/> holds
    /// (tasks.distinct_problems).</summary>
    public static int DistinctProblems(IEnumerable<SyntheticProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return problems.Select(p => HeldOutSplit.CanonicalKey(p.Question)).Distinct(StringComparer.Ordinal).Count();
    }

    /// <summary><see cref="Sample(PythonRandom, int, int)"/> seeded as the training run seeds it (<see cref="SeedText"/>).</summary>
    public IReadOnlyList<SyntheticProblem> Sample(long seed, int count) => Sample(new PythonRandom(SeedText(seed)), count);
}
