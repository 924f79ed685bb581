using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using DeepSeek.Cli.Evaluation;
using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Models.Tasks;
using Spectre.Console;

namespace DeepSeek.Cli.Commands;

/// <summary><c>deepseek eval [--model &lt;dir&gt;] [--tasks add3,mul2x2,...] [--count 500] [--seed 20261206] [--json]</c>:
/// scores a model trained on tools/train/tasks.py (the shipped deepseek-r1-tiny by default) with the SDK itself.
/// Each suite's held-out problems are generated afresh (<see cref="EvaluationSuites"/>, draw for draw as tasks.py
/// would), run through the <see cref="Sdk.Reasoning.ReasoningPipeline"/> with greedy decoding and the model's EOS, and
/// scored: the answer text must equal the expected one exactly, after a trace. The default seed is one no training or
/// selection run used (<see cref="DefaultSeed"/>); the table says how many distinct problems each suite's count held.</summary>
public static class EvalCommand
{
    /// <summary>The seed of the run that trained deepseek-r1-tiny (tools/train/train_r1_tiny.py --seed): its problems are
    /// the ones that run scored transformers on, a check of the run rather than a reported figure.</summary>
    public const long TrainingRunSeed = 1234;

    /// <summary>The default seed: no training or selection run used it (tools/train: training and its own evaluation
    /// use the run seed, 1234 for deepseek-r1-tiny), so the reported figures come from problems nobody looked at
    /// while making the model.</summary>
    public const long DefaultSeed = 20261206;

    public static Command Create(IAnsiConsole console)
    {
        var model = ModelFolder.CreateOption();
        var tasks = new Option<string?>("--tasks")
        {
            Description = $"Comma-separated suites (default: all): {string.Join(", ", EvaluationSuites.All.Select(s => s.Name))}; aliases add3, sub3, mul2x2.",
        };
        var count = new Option<int>("--count") { Description = "Held-out problems per suite.", DefaultValueFactory = _ => 500 };
        var seed = new Option<long>("--seed")
        {
            Description = $"Seed of the problem generator; each suite draws from random.Random(\"<seed>-eval-<suite>\"). The default, {DefaultSeed}, was used by no training or selection run ({TrainingRunSeed} gives the problems the training run checked itself on).",
            DefaultValueFactory = _ => DefaultSeed,
        };
        var parallel = new Option<int>("--parallel") { Description = "Model copies solving problems side by side, one CPU thread each (default: one per logical processor).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var failures = new Option<int>("--show-failures") { Description = "Print up to this many wrong answers per suite." };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON (with every wrong answer) instead of a table." };
        var command = new Command("eval", "Score a model on freshly generated held-out problems of the tasks it was trained on (greedy, through the ReasoningPipeline).")
        {
            model, tasks, count, seed, parallel, failures, json,
        };
        command.SetAction((parse, ct) => RunAsync(console, parse.GetValue(model), parse.GetValue(tasks), parse.GetValue(count), parse.GetValue(seed),
            parse.GetValue(parallel), parse.GetValue(failures), parse.GetValue(json), ct));
        return command;
    }

    public static async Task<int> RunAsync(IAnsiConsole console, string? modelDirectory, string? tasks, int count, long seed, int parallel, int showFailures, bool json, CancellationToken cancellationToken)
    {
        if (count <= 0) throw new UsageException($"--count must be at least 1, not {count}.");
        // Each worker is a model copy on a thread of its own: as many as the CPU backend would accept threads.
        if (parallel <= 0 || parallel > CpuBackend.MaxThreadCount)
            throw new UsageException($"--parallel must be between 1 and {CpuBackend.MaxThreadCount}, not {parallel}.");
        if (showFailures < 0) throw new UsageException($"--show-failures must be 0 or more, not {showFailures}.");
        List<EvaluationSuite> suites = [];
        CliValidation.Check(() => suites = ParseSuites(tasks), new Dictionary<string, string> { ["tasks"] = "--tasks", ["name"] = "--tasks" });

        modelDirectory = ModelFolder.Resolve(modelDirectory);
        DateTimeOffset started = DateTimeOffset.Now;
        using var evaluator = SuiteEvaluator.Open(modelDirectory, parallel);
        var results = new List<SuiteResult>(suites.Count);
        if (json)
        {
            foreach (var suite in suites)
                results.Add(await evaluator.RunAsync(suite, suite.Sample(seed, count), progress: null, cancellationToken).ConfigureAwait(false));
            console.Profile.Out.Writer.WriteLine(ToJson(modelDirectory, seed, evaluator.Workers, started, results));
            return 0;
        }

        console.MarkupLineInterpolated($"[grey]{Path.GetFullPath(modelDirectory)}: {count} held-out problems per suite (fewer distinct where a suite's held-out space is smaller), seed {seed}, greedy, {evaluator.Workers} worker(s) on {Environment.ProcessorCount} logical CPUs[/]");
        await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                foreach (var suite in suites)
                {
                    var task = context.AddTask(suite.Name, maxValue: count);
                    var problems = suite.Sample(seed, count);
                    results.Add(await evaluator.RunAsync(suite, problems, new Progress(task), cancellationToken).ConfigureAwait(false));
                    task.Value = task.MaxValue;
                    task.StopTask();
                }
            }).ConfigureAwait(false);
        console.Write(Table(results));
        foreach (var result in results)
            foreach (var failure in result.Failures.Take(showFailures))
                console.MarkupLineInterpolated($"[yellow]{result.Suite.Name}[/] {failure.Problem.Question} expected [bold]{failure.Problem.Answer}[/], got [bold]{failure.Result.Answer}[/]{(failure.Traced ? "" : " (no trace before the answer)")}");
        return 0;
    }

    /// <summary>The suites named in <paramref name="tasks"/> (comma-separated, each once, in the order given), or all.</summary>
    public static List<EvaluationSuite> ParseSuites(string? tasks)
    {
        if (string.IsNullOrWhiteSpace(tasks)) return [.. EvaluationSuites.All];
        var suites = new List<EvaluationSuite>();
        foreach (string name in tasks.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var suite = EvaluationSuites.Find(name);
            if (!suites.Contains(suite)) suites.Add(suite);
        }
        if (suites.Count == 0) throw new ArgumentException("--tasks names no suite.", nameof(tasks));
        return suites;
    }

    private static Table Table(IReadOnlyList<SuiteResult> results)
    {
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("suite");
        table.AddColumn(new TableColumn("problems").RightAligned());
        table.AddColumn(new TableColumn("distinct").RightAligned());
        table.AddColumn(new TableColumn("accuracy").RightAligned());
        table.AddColumn(new TableColumn("traced").RightAligned());
        table.AddColumn(new TableColumn("tokens/s").RightAligned());
        table.AddColumn(new TableColumn("time").RightAligned());
        foreach (var r in results)
        {
            table.AddRow(
                Markup.Escape($"{r.Suite.Name} ({r.Suite.Description})"),
                Invariant($"{r.Problems}"),
                Invariant($"{r.DistinctProblems}"),
                Invariant($"{100 * r.Accuracy:F1}%"),
                Invariant($"{100 * r.TracedFraction:F1}%"),
                Invariant($"{r.TokensPerSecond:F0}"),
                Invariant($"{r.WallTime.TotalSeconds:F1} s"));
        }
        return table;
    }

    /// <summary>The run as JSON: what was run where, and per suite the scores, speed and every wrong answer.</summary>
    public static string ToJson(string modelDirectory, long seed, int workers, DateTimeOffset started, IReadOnlyList<SuiteResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("model", Path.GetFullPath(modelDirectory));
            writer.WriteNumber("seed", seed);
            writer.WriteString("decoding", "greedy");
            writer.WriteNumber("workers", workers);
            writer.WriteString("started", started.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteString("machine", Invariant($"{Environment.ProcessorCount} logical CPUs, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, {RuntimeInformation.FrameworkDescription}"));
            writer.WriteStartArray("suites");
            foreach (var r in results)
            {
                writer.WriteStartObject();
                writer.WriteString("suite", r.Suite.Name);
                writer.WriteString("description", r.Suite.Description);
                writer.WriteNumber("problems", r.Problems);
                writer.WriteNumber("distinct", r.DistinctProblems);
                writer.WriteNumber("correct", r.Correct);
                writer.WriteNumber("accuracy", Math.Round(r.Accuracy, 4));
                writer.WriteNumber("traced", r.Traced);
                writer.WriteNumber("tracedFraction", Math.Round(r.TracedFraction, 4));
                writer.WriteNumber("generatedTokens", r.GeneratedTokens);
                writer.WriteNumber("seconds", Math.Round(r.WallTime.TotalSeconds, 3));
                writer.WriteNumber("tokensPerSecond", Math.Round(r.TokensPerSecond, 1));
                writer.WriteStartArray("failures");
                foreach (var f in r.Failures)
                {
                    writer.WriteStartObject();
                    writer.WriteString("question", f.Problem.Question);
                    writer.WriteString("expected", f.Problem.Answer);
                    writer.WriteString("answer", f.Result.Answer);
                    writer.WriteBoolean("traced", f.Traced);
                    writer.WriteString("finishReason", JsonNamingPolicy.CamelCase.ConvertName(f.Result.FinishReason.ToString()));
                    writer.WriteString("reasoning", f.Result.Reasoning);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Worker reports arrive on their threads; Spectre's task values are safe to set from any thread.</summary>
    private sealed class Progress(ProgressTask task) : IProgress<int>
    {
        public void Report(int value) => task.Value = Math.Max(task.Value, value);
    }
}
