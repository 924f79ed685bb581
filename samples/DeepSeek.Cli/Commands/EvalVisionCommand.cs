using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using DeepSeek.Cli.Evaluation;
using DeepSeek.Sdk.Hosting;
using DeepSeek.Sdk.Models.Shapes;
using DeepSeek.Sdk.Models.Tasks;
using DeepSeek.Sdk.Vision.Pipelines;
using Spectre.Console;

namespace DeepSeek.Cli.Commands;

/// <summary><c>deepseek eval-vision [--model &lt;dir&gt;] [--count 200] [--seed 20261206] [--split test] [--cfg 2] [--centred]
/// [--suites understanding,generation] [--save-images &lt;dir&gt;] [--json]</c>: scores a Janus model trained on
/// tools/train/shapes.py (the shipped janus-pro-tiny by default) with the SDK itself, on scenes drawn afresh from one split's
/// tuples (<see cref="ShapeWorld.SampleEvaluation"/>, draw for draw as shapes.py would from
/// random.Random("&lt;seed&gt;-eval-&lt;suite&gt;")): by default the test split, which no choice was made on, and a seed no
/// run used; <c>--split validation</c> is where choices are made. See <see cref="ShapeSuiteEvaluator"/>.</summary>
public static class EvalVisionCommand
{
    /// <summary>The seed of the run that trained janus-pro-tiny (tools/train/train_janus_tiny.py --seed); its own
    /// evaluation drew validation scenes from it.</summary>
    public const long TrainingRunSeed = 0;

    /// <summary>The default seed: no training, selection or earlier evaluation run used it.</summary>
    public const long DefaultSeed = 20261206;

    /// <summary>The guidance weight the recipe fixes (chosen on the validation split in run 3, docs/models.md).</summary>
    public const float DefaultCfgWeight = 2f;

    public static Command Create(IAnsiConsole console)
    {
        var model = new Option<string?>("--model") { Description = $"A Janus folder trained on the shapes world (default: the shipped {DefaultModels.JanusTiny})." };
        var count = new Option<int>("--count") { Description = "Scenes per suite (understanding asks each scene 4 questions).", DefaultValueFactory = _ => 200 };
        var seed = new Option<long>("--seed") { Description = $"Seed of the scene generator. The default, {DefaultSeed}, was used by no run (the training run's is {TrainingRunSeed}).", DefaultValueFactory = _ => DefaultSeed };
        var cfg = new Option<float>("--cfg") { Description = "Classifier-free guidance weight of the generation suite (greedy decoding).", DefaultValueFactory = _ => DefaultCfgWeight };
        var suites = new Option<string>("--suites") { Description = "Comma-separated: understanding, generation.", DefaultValueFactory = _ => "understanding,generation" };
        var split = new Option<string>("--split") { Description = "test (the default: 63 tuples training never showed and no choice was made on), validation (62 tuples training never showed, where checkpoints, hyperparameters and the pixel judge were chosen) or train (tuples training showed; fresh jitter and sizes).", DefaultValueFactory = _ => "test" };
        var centred = new Option<bool>("--centred") { Description = "Generation prompts name no position (\"a red circle on a blue background\", drawn in the center): only the split's center tuples (8 in test, 7 in validation). By default they name it (\"a red circle at the top left on a blue background\"), over all the split's tuples." };
        var temperature = new Option<float>("--temperature") { Description = "Image-token sampling temperature of the generation suite (0: greedy); image i samples with seed i.", DefaultValueFactory = _ => 0f };
        var save = new Option<string?>("--save-images") { Description = "Write each generated picture as a PNG here (name ends in -ok or -miss)." };
        var failures = new Option<int>("--show-failures") { Description = "Print up to this many failures per suite." };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON instead of a table." };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("eval-vision", "Score a Janus model on freshly drawn scenes of the coloured-shapes world's test split (or --split validation): understanding accuracy and generated pictures checked by pixel analysis.")
        {
            model, count, seed, cfg, suites, split, centred, temperature, save, failures, json, device, threads,
        };
        command.SetAction((parse, ct) => RunAsync(console, parse.GetValue(model), parse.GetValue(count), parse.GetValue(seed), parse.GetValue(cfg), parse.GetValue(suites)!,
            parse.GetValue(split)!, !parse.GetValue(centred), parse.GetValue(temperature), parse.GetValue(save), parse.GetValue(failures), parse.GetValue(json), parse.GetValue(device)!, parse.GetValue(threads), ct));
        return command;
    }

    public static async Task<int> RunAsync(IAnsiConsole console, string? modelDirectory, int count, long seed, float cfg, string suites,
        string split, bool positioned, float temperature, string? saveImages,
        int showFailures, bool json, string device, int threads, CancellationToken cancellationToken)
    {
        if (count <= 0) throw new UsageException($"--count must be at least 1, not {count}.");
        if (showFailures < 0) throw new UsageException($"--show-failures must be 0 or more, not {showFailures}.");
        var names = suites.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (string n in names)
            if (n is not (ShapeSuiteEvaluator.UnderstandingSuite or ShapeSuiteEvaluator.GenerationSuite))
                throw new UsageException($"--suites: '{n}' is not a suite: use understanding, generation.");
        bool understand = names.Contains(ShapeSuiteEvaluator.UnderstandingSuite);
        bool generate = names.Contains(ShapeSuiteEvaluator.GenerationSuite);
        if (!understand && !generate) throw new UsageException("--suites names no suite.");
        var tuples = ParseSplit(split);
        if (!float.IsFinite(temperature) || temperature < 0) throw new UsageException($"--temperature must be a finite number ≥ 0, not {temperature}.");
        if (!float.IsFinite(cfg)) throw new UsageException($"--cfg must be a finite number, not {cfg}.");

        using var backends = CommonOptions.OpenBackends(device, threads);
        string directory = string.IsNullOrWhiteSpace(modelDirectory) ? DefaultModels.Resolve(DefaultModels.JanusTiny, "pass --model <folder>") : ModelFolder.Existing(modelDirectory);
        await using var host = DescribeCommand.JanusHost(directory, backends);
        var evaluator = new ShapeSuiteEvaluator(
            ImageUnderstandingPipeline.FromDirectory(host, directory),
            ImageGenerationPipeline.FromDirectory(host, directory));
        await host.LoadAsync(null, cancellationToken).ConfigureAwait(false);
        DateTimeOffset started = DateTimeOffset.Now;
        ShapeUnderstandingResult? u = null;
        ShapeGenerationResult? g = null;
        if (understand)
        {
            var scenes = ShapeWorld.SampleEvaluation(new PythonRandom(ShapeWorld.EvaluationSeed(seed, ShapeSuiteEvaluator.UnderstandingSuite)), count, tuples);
            u = await evaluator.UnderstandAsync(scenes, null, cancellationToken).ConfigureAwait(false);
        }
        if (generate)
        {
            var scenes = ShapeWorld.SampleEvaluation(new PythonRandom(ShapeWorld.EvaluationSeed(seed, ShapeSuiteEvaluator.GenerationSuite)), count, tuples, centred: !positioned);
            g = await evaluator.GenerateAsync(scenes, cfg, temperature, positioned, saveImages, null, cancellationToken).ConfigureAwait(false);
        }
        if (json)
        {
            console.Profile.Out.Writer.WriteLine(ToJson(directory, seed, Name(tuples), started, backends.Backend.Device.ToString() ?? "", u, g));
            return 0;
        }
        console.MarkupLineInterpolated($"[grey]{Path.GetFullPath(directory)}: {Name(tuples)} split, seed {seed}, greedy answers, generation at cfg {cfg:G} ({(positioned ? "prompts with their position" : "short prompts, center tuples")})[/]");
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("suite");
        table.AddColumn(new TableColumn("scenes").RightAligned());
        table.AddColumn(new TableColumn("distinct").RightAligned());
        table.AddColumn(new TableColumn("score").RightAligned());
        table.AddColumn(new TableColumn("time").RightAligned());
        if (u is not null)
        {
            for (int q = 0; q < ShapeWorld.Questions.Count; q++)
                table.AddRow(Markup.Escape($"understanding: {ShapeWorld.Questions[q].Text}"), I($"{u.Scenes}"), I($"{u.DistinctTuples} tuples"), I($"{100 * u.Accuracy(q):F1}%"), "");
            table.AddRow("understanding: all", I($"{u.Scenes}"), I($"{u.DistinctTuples} tuples"), I($"{100 * u.Overall:F1}%"), I($"{u.WallTime.TotalSeconds:F1} s"));
        }
        if (g is not null)
        {
            table.AddRow(I($"generation (cfg {g.CfgWeight:G}): background"), I($"{g.Outcomes.Count}"), I($"{g.DistinctPrompts} prompts"), I($"{100 * g.Fraction((s, a) => a.Background == s.Background):F1}%"), "");
            table.AddRow("generation: shape colour", I($"{g.Outcomes.Count}"), I($"{g.DistinctPrompts} prompts"), I($"{100 * g.Fraction((s, a) => a.Colour == s.Colour):F1}%"), "");
            table.AddRow("generation: shape", I($"{g.Outcomes.Count}"), I($"{g.DistinctPrompts} prompts"), I($"{100 * g.Fraction((s, a) => a.Shape == s.Shape):F1}%"), "");
            table.AddRow("generation: all three", I($"{g.Outcomes.Count}"), I($"{g.DistinctPrompts} prompts"), I($"{100 * g.MatchFraction:F1}%"), I($"{g.WallTime.TotalSeconds:F1} s"));
        }
        console.Write(table);
        if (u is not null)
            foreach (var f in u.Failures.Take(showFailures))
                console.MarkupLineInterpolated($"[yellow]understanding[/] {f.Scene.Description()}: {f.Question} expected [bold]{f.Expected}[/], got [bold]{f.Answer}[/]");
        if (g is not null)
            foreach (var (scene, prompt, analysis) in g.Outcomes.Where(o => !o.Analysis.Matches(o.Scene)).Take(showFailures))
                console.MarkupLineInterpolated($"[yellow]generation[/] {prompt}: drew {analysis}");
        return 0;
    }

    /// <summary>The split named on the command line: test, validation or train (ignoring case).</summary>
    /// <exception cref="UsageException">Any other name; the message lists the three.</exception>
    public static ShapeSplit ParseSplit(string split)
    {
        ArgumentNullException.ThrowIfNull(split);
        return split.Trim().ToLowerInvariant() switch
        {
            "test" => ShapeSplit.Test,
            "validation" => ShapeSplit.Validation,
            "train" => ShapeSplit.Train,
            _ => throw new UsageException($"--split is test, validation or train, got '{split}'."),
        };
    }

    private static string Name(ShapeSplit split) => split.ToString().ToLowerInvariant();

    /// <summary>The run as JSON: what ran where, the scores per question and attribute, and every failure.</summary>
    public static string ToJson(string modelDirectory, long seed, string split, DateTimeOffset started, string device, ShapeUnderstandingResult? u, ShapeGenerationResult? g)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("model", Path.GetFullPath(modelDirectory));
            w.WriteNumber("seed", seed);
            w.WriteString("split", split);
            w.WriteString("started", started.ToString("O", CultureInfo.InvariantCulture));
            w.WriteString("device", device);
            w.WriteString("machine", I($"{Environment.ProcessorCount} logical CPUs, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, {RuntimeInformation.FrameworkDescription}"));
            if (u is not null)
            {
                w.WriteStartObject("understanding");
                w.WriteNumber("scenes", u.Scenes);
                w.WriteNumber("distinctTuples", u.DistinctTuples);
                for (int q = 0; q < ShapeWorld.Questions.Count; q++)
                    w.WriteNumber(JsonNamingPolicy.CamelCase.ConvertName(ShapeWorld.Questions[q].Kind.ToString()), Math.Round(u.Accuracy(q), 4));
                w.WriteNumber("all", Math.Round(u.Overall, 4));
                w.WriteNumber("seconds", Math.Round(u.WallTime.TotalSeconds, 2));
                w.WriteStartArray("failures");
                foreach (var f in u.Failures)
                {
                    w.WriteStartObject();
                    w.WriteString("scene", f.Scene.Description());
                    w.WriteString("question", f.Question);
                    w.WriteString("expected", f.Expected);
                    w.WriteString("answer", f.Answer);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            if (g is not null)
            {
                w.WriteStartObject("generation");
                w.WriteNumber("prompts", g.Outcomes.Count);
                w.WriteNumber("distinctPrompts", g.DistinctPrompts);
                w.WriteNumber("cfgWeight", g.CfgWeight);
                w.WriteNumber("temperature", g.Temperature);
                w.WriteNumber("background", Math.Round(g.Fraction((s, a) => a.Background == s.Background), 4));
                w.WriteNumber("colour", Math.Round(g.Fraction((s, a) => a.Colour == s.Colour), 4));
                w.WriteNumber("shape", Math.Round(g.Fraction((s, a) => a.Shape == s.Shape), 4));
                w.WriteNumber("all", Math.Round(g.MatchFraction, 4));
                w.WriteNumber("seconds", Math.Round(g.WallTime.TotalSeconds, 2));
                w.WriteStartArray("failures");
                foreach (var (scene, prompt, analysis) in g.Outcomes.Where(o => !o.Analysis.Matches(o.Scene)))
                {
                    w.WriteStartObject();
                    w.WriteString("prompt", prompt);
                    w.WriteString("drawn", analysis.ToString());
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string I(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
