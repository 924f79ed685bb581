using System.Diagnostics;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Models.Tasks;
using DeepSeek.Sdk.Reasoning;

namespace DeepSeek.Cli.Evaluation;

/// <summary>Runs evaluation suites through the SDK's <see cref="ReasoningPipeline"/> with greedy decoding, spreading
/// each suite's problems over the workers (each takes the next unsolved problem, so a slow core takes fewer).
/// Outcomes keep the problems' order, and greedy decoding makes them independent of how many workers ran.</summary>
public sealed class SuiteEvaluator : IDisposable
{
    /// <summary>Room past the longest expected completion, as tools/train/train_r1_tiny.py gives transformers: a model
    /// that wanders off the expected trace still gets to answer, and one that never stops is cut off.</summary>
    public const int ExtraTokens = 24;

    private readonly EvaluationWorker[] _workers;

    private SuiteEvaluator(EvaluationWorker[] workers) => _workers = workers;

    public int Workers => _workers.Length;

    /// <summary>Loads <paramref name="workers"/> copies of the model (see <see cref="EvaluationWorker"/>).</summary>
    public static SuiteEvaluator Open(string modelDirectory, int workers)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workers);
        var opened = new List<EvaluationWorker>(workers);
        try
        {
            for (int i = 0; i < workers; i++) opened.Add(EvaluationWorker.Open(modelDirectory));
            return new SuiteEvaluator([.. opened]);
        }
        catch
        {
            foreach (var worker in opened) worker.Dispose();
            throw;
        }
    }

    /// <summary>Greedy decoding with the model's EOS, no thinking budget, and at most the longest expected completion
    /// of <paramref name="problems"/> (in the model's tokens) plus <see cref="ExtraTokens"/>.</summary>
    public ReasoningOptions OptionsFor(IReadOnlyList<SyntheticProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        int longest = 1;
        var tokenizer = _workers[0].Pipeline.Tokenizer;
        foreach (var problem in problems) longest = Math.Max(longest, tokenizer.Encode(problem.Completion).Length);
        return new ReasoningOptions { Sampling = SamplingOptions.Greedy, MaxNewTokens = longest + ExtraTokens };
    }

    /// <param name="progress">Told after each problem how many are done.</param>
    public async Task<SuiteResult> RunAsync(EvaluationSuite suite, IReadOnlyList<SyntheticProblem> problems, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(problems);
        var options = OptionsFor(problems);
        var outcomes = new ProblemOutcome[problems.Count];
        int next = -1, done = 0;
        long start = Stopwatch.GetTimestamp();
        var running = new Task[_workers.Length];
        for (int w = 0; w < _workers.Length; w++)
        {
            var worker = _workers[w];
            running[w] = Task.Run(async () =>
            {
                for (int i = Interlocked.Increment(ref next); i < problems.Count; i = Interlocked.Increment(ref next))
                {
                    outcomes[i] = await worker.SolveAsync(problems[i], options, cancellationToken).ConfigureAwait(false);
                    progress?.Report(Interlocked.Increment(ref done));
                }
            }, cancellationToken);
        }
        await Task.WhenAll(running).ConfigureAwait(false);
        return new SuiteResult(suite, outcomes, Stopwatch.GetElapsedTime(start), _workers.Length);
    }

    public void Dispose()
    {
        foreach (var worker in _workers) worker.Dispose();
    }
}
