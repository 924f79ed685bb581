using System.Diagnostics;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Imaging;
using DeepSeek.Sdk.Models.Shapes;
using DeepSeek.Sdk.Vision.Pipelines;

namespace DeepSeek.Cli.Evaluation;

/// <summary>Scores janus-pro-tiny (or any Janus model trained on tools/train/shapes.py) with the SDK's own pipelines:
/// understanding — each scene is asked the four <see cref="ShapeWorld.Questions"/>, answered greedily, and an
/// answer counts when its trimmed text equals the expected one; generation — each scene's prompt ("a red
/// circle at the top left on a blue background", or without the position for a centred scene) is drawn with
/// classifier-free guidance and the picture counts when <see cref="ShapePixelAnalyzer"/> reads back the prompt's shape,
/// colour and background.</summary>
public sealed class ShapeSuiteEvaluator(ImageUnderstandingPipeline understanding, ImageGenerationPipeline generation)
{
    public const string UnderstandingSuite = "understanding";
    public const string GenerationSuite = "generation";

    public async Task<ShapeUnderstandingResult> UnderstandAsync(IReadOnlyList<ShapeScene> scenes, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenes);
        var options = new GenerationOptions { MaxNewTokens = 16, Sampling = SamplingOptions.Greedy };
        var correct = new int[ShapeWorld.Questions.Count];
        var failures = new List<(ShapeScene Scene, string Question, string Expected, string Answer)>();
        long started = Stopwatch.GetTimestamp();
        for (int i = 0; i < scenes.Count; i++)
        {
            var image = ImageBuffer.FromPixels(scenes[i].Render(), ShapeWorld.Size, ShapeWorld.Size, ImagePixelFormat.Rgb24);
            for (int q = 0; q < ShapeWorld.Questions.Count; q++)
            {
                var (kind, text) = ShapeWorld.Questions[q];
                var result = await understanding.DescribeAsync([image], text, options, cancellationToken).ConfigureAwait(false);
                string answer = result.Text.Trim();
                string expected = scenes[i].Answer(kind);
                if (answer == expected) correct[q]++;
                else failures.Add((scenes[i], text, expected, answer));
            }
            progress?.Report(i + 1);
        }
        int tuples = scenes.Select(s => (s.Shape, s.Colour, s.Background, s.Position)).Distinct().Count();
        return new ShapeUnderstandingResult(scenes.Count, tuples, correct, failures, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Draws each scene's prompt (with its position when <paramref name="positioned"/>) at the given guidance
    /// weight and temperature (0: greedy; otherwise picture i samples with seed i) and analyses the pictures.</summary>
    public async Task<ShapeGenerationResult> GenerateAsync(IReadOnlyList<ShapeScene> scenes, float cfgWeight, float temperature, bool positioned, string? saveDirectory,
        IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenes);
        var outcomes = new List<(ShapeScene Scene, string Prompt, ShapeAnalysis Analysis)>(scenes.Count);
        long started = Stopwatch.GetTimestamp();
        if (saveDirectory is not null) Directory.CreateDirectory(saveDirectory);
        for (int i = 0; i < scenes.Count; i++)
        {
            string prompt = scenes[i].Prompt(positioned);
            var options = new ImageGenerationOptions { ParallelSize = 1, CfgWeight = cfgWeight, Temperature = temperature, Seed = i };
            var result = await generation.GenerateAsync(prompt, options, null, cancellationToken).ConfigureAwait(false);
            var rgb = result.Images[0].ToRgb24();
            var analysis = ShapePixelAnalyzer.Analyse(rgb.Pixels, rgb.Width);
            outcomes.Add((scenes[i], prompt, analysis));
            if (saveDirectory is not null)
            {
                string name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{i:D4}-{prompt.Replace(' ', '-')}-{(analysis.Matches(scenes[i]) ? "ok" : "miss")}.png");
                await File.WriteAllBytesAsync(Path.Combine(saveDirectory, name), ImageCodecs.EncodePng(rgb), cancellationToken).ConfigureAwait(false);
            }
            progress?.Report(i + 1);
        }
        return new ShapeGenerationResult(outcomes, cfgWeight, temperature, Stopwatch.GetElapsedTime(started));
    }
}
