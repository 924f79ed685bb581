using System.CommandLine;
using System.Globalization;
using DeepSeek.Sdk.Imaging;
using DeepSeek.Sdk.Vision.Pipelines;
using Spectre.Console;

namespace DeepSeek.Cli.Commands;

/// <summary><c>deepseek imagine --model &lt;dir&gt; "prompt" -o out.png</c>: Janus-Pro text-to-image, with a progress bar
/// over the image tokens.</summary>
public static class ImagineCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var model = new Option<string>("--model") { Description = "A Janus-Pro folder (config.json, safetensors, tokenizer.json).", Required = true };
        var output = new Option<string>("--output", "-o")
        {
            Description = $"PNG to write (with --parallel N > 1: NAME-0.png .. NAME-(N-1).png), or an existing folder to write {OutputFiles.DefaultName} in. "
                + "Checked before generating; an existing file is not replaced without --force.",
            DefaultValueFactory = _ => OutputFiles.DefaultName,
        };
        var force = new Option<bool>("--force") { Description = "Overwrite output files that already exist." };
        var parallel = new Option<int>("--parallel") { Description = "Images generated together from the prompt.", DefaultValueFactory = _ => 1 };
        var cfgWeight = new Option<float>("--cfg-weight") { Description = "Classifier-free guidance weight.", DefaultValueFactory = _ => 5f };
        var temperature = new Option<float>("--temperature") { Description = "Sampling temperature of image tokens (0: most likely token).", DefaultValueFactory = _ => 1f };
        var seed = new Option<int?>("--seed") { Description = "Seed; the same seed and prompt give the same images." };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var prompt = new Argument<string>("prompt") { Description = "What to draw (not empty)." };
        var command = new Command("imagine", "Generate images from a prompt with Janus-Pro (classifier-free guidance, VQ decoding).")
        {
            model, output, force, parallel, cfgWeight, temperature, seed, device, threads, prompt,
        };
        command.SetAction((parse, ct) => RunAsync(console, parse.GetValue(model)!, parse.GetValue(prompt)!, parse.GetValue(output)!, parse.GetValue(force),
            new ImageGenerationOptions { ParallelSize = parse.GetValue(parallel), CfgWeight = parse.GetValue(cfgWeight), Temperature = parse.GetValue(temperature), Seed = parse.GetValue(seed) },
            parse.GetValue(device)!, parse.GetValue(threads), ct));
        return command;
    }

    /// <param name="overwrite">Replace output files that exist (--force); otherwise they are refused before any work.</param>
    public static async Task<int> RunAsync(IAnsiConsole console, string directory, string prompt, string output, bool overwrite, ImageGenerationOptions options, string device,
        int threads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        CliValidation.NotBlank(prompt, "The prompt", "describe the picture: \"a red fox in snow\"");
        CliValidation.Check(options.Validate, ImageOptions);
        ModelFolder.Existing(directory);
        // The output files first: a path that cannot be written fails now, not after the whole generation.
        using var files = OutputFiles.Claim(output, options.ParallelSize, overwrite);
        using var backends = CommonOptions.OpenBackends(device, threads);
        await using var host = DescribeCommand.JanusHost(directory, backends);
        var pipeline = ImageGenerationPipeline.FromDirectory(host, directory, options);
        await host.LoadAsync(null, cancellationToken).ConfigureAwait(false);
        console.MarkupLineInterpolated($"[grey]{Markup.Escape(host.Name)} loaded in {host.LoadTime.TotalSeconds:F1} s on {backends.Backend.Device}[/]");

        ImageGenerationResult? result = null;
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var tokens = context.AddTask($"image tokens ×{options.ParallelSize}", maxValue: 1);
                var decoding = context.AddTask("decoding", autoStart: false, maxValue: options.ParallelSize);
                var progress = new Progress(tokens, decoding);
                result = await pipeline.GenerateAsync(prompt, options, progress, cancellationToken).ConfigureAwait(false);
                tokens.Value = tokens.MaxValue;
                decoding.Value = decoding.MaxValue;
            }).ConfigureAwait(false);

        for (int i = 0; i < files.Paths.Count; i++)
        {
            await File.WriteAllBytesAsync(files.Paths[i], ImageCodecs.EncodePng(result!.Images[i]), cancellationToken).ConfigureAwait(false);
            console.MarkupLineInterpolated($"wrote [bold]{files.Paths[i]}[/] ({result.Images[i].Width}x{result.Images[i].Height})");
        }
        files.Keep();
        console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"[grey]{result!.ImageTokens[0].Length} tokens per image, {result.TokensPerSecond:F1} image tokens/s, {result.Duration.TotalSeconds:F1} s in all[/]");
        return ExitCodes.Success;
    }

    private static readonly Dictionary<string, string> ImageOptions = new(StringComparer.Ordinal)
    {
        ["ParallelSize"] = "--parallel",
        ["CfgWeight"] = "--cfg-weight",
        ["Temperature"] = "--temperature",
    };

    /// <summary>Moves the bars from the pipeline's reports (sent from the worker thread; Spectre's tasks are thread-safe).</summary>
    private sealed class Progress(ProgressTask tokens, ProgressTask decoding) : IProgress<ImageGenerationProgress>
    {
        public void Report(ImageGenerationProgress value)
        {
            if (value.Stage == ImageGenerationStage.GeneratingTokens)
            {
                tokens.MaxValue = value.Total;
                tokens.Value = value.Completed;
            }
            else
            {
                if (!decoding.IsStarted) decoding.StartTask();
                decoding.Value = value.Completed;
            }
        }
    }
}
