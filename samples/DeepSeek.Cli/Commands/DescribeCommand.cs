using System.CommandLine;
using System.Globalization;
using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Imaging;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Tokenization;
using DeepSeek.Sdk.Vision.Janus;
using DeepSeek.Sdk.Vision.Pipelines;
using Spectre.Console;

namespace DeepSeek.Cli.Commands;

/// <summary><c>deepseek describe --model &lt;dir&gt; --image &lt;file&gt; "question"</c>: Janus-Pro looks at the images and
/// streams its answer.</summary>
public static class DescribeCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var model = new Option<string>("--model") { Description = "A Janus / Janus-Pro folder (config.json, safetensors, tokenizer.json, preprocessor_config.json).", Required = true };
        var images = new Option<string[]>("--image") { Description = "An image file (PNG or JPEG); repeat for several.", Required = true, AllowMultipleArgumentsPerToken = false };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Most answer tokens.", DefaultValueFactory = _ => 512 };
        var temperature = new Option<float>("--temperature") { Description = "0 answers greedily (the release's default); above 0 samples.", DefaultValueFactory = _ => 0f };
        var seed = new Option<int?>("--seed") { Description = "Seed for sampling." };
        var device = DeviceOption();
        var threads = ThreadsOption();
        var question = new Argument<string>("question") { Description = "What to ask about the images." };
        var command = new Command("describe", "Answer a question about images with Janus-Pro (multimodal understanding).")
        {
            model, images, maxTokens, temperature, seed, device, threads, question,
        };
        command.SetAction((parse, ct) => RunAsync(console, parse.GetValue(model)!, parse.GetValue(images)!, parse.GetValue(question)!,
            new GenerationOptions { MaxNewTokens = parse.GetValue(maxTokens), Sampling = new SamplingOptions { Temperature = parse.GetValue(temperature), Seed = parse.GetValue(seed) } },
            parse.GetValue(device)!, parse.GetValue(threads), ct));
        return command;
    }

    public static async Task<int> RunAsync(IAnsiConsole console, string directory, IReadOnlyList<string> imagePaths, string question, GenerationOptions options,
        string device, int threads, CancellationToken cancellationToken)
    {
        ImageUnderstandingPipeline pipeline;
        var buffers = new List<ImageBuffer>();
        using var backends = OpenBackends(device, threads, out string? deviceError);
        if (backends is null)
        {
            console.MarkupLineInterpolated($"[red]error:[/] {deviceError}");
            return 2;
        }
        await using var host = JanusHost(directory, backends);
        try
        {
            options.Sampling.Validate();
            foreach (string path in imagePaths) buffers.Add(ImageCodecs.DecodeFile(path));
            pipeline = ImageUnderstandingPipeline.FromDirectory(host, directory, new ImageUnderstandingPipelineOptions { Defaults = options });
            await host.LoadAsync(null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUserError(e))
        {
            console.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return 1;
        }

        console.MarkupLineInterpolated($"[grey]{Markup.Escape(host.Name)} loaded in {host.LoadTime.TotalSeconds:F1} s on {backends.Backend.Device}[/]");
        try
        {
            await foreach (var update in pipeline.DescribeStreamingAsync(buffers, question, options, cancellationToken).ConfigureAwait(false))
            {
                console.Write(new Text(update.Text));
                if (update.Statistics is { } s)
                {
                    console.WriteLine();
                    console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                        $"[grey]{s.PromptTokens} prompt tokens ({buffers.Count} image(s)), {s.CompletionTokens} answer tokens, first token after {s.TimeToFirstToken.TotalSeconds:F2} s, {s.DecodeTokensPerSecond:F1} tokens/s, {update.FinishReason}[/]");
                }
            }
        }
        catch (Exception e) when (IsUserError(e))
        {
            console.WriteLine();
            console.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return 1;
        }
        return 0;
    }

    internal static Option<string> DeviceOption() =>
        new("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "auto" };

    internal static Option<int> ThreadsOption() =>
        new("--threads") { Description = "CPU threads (0: one per logical processor)." };

    /// <summary>The CPU and CUDA backends, resolved against --device (auto prefers a usable GPU).</summary>
    internal static BackendProvider? OpenBackends(string device, int threads, out string? error)
    {
        error = null;
        if (!DeviceSelection.TryParse(device, out var selection))
        {
            error = $"'{device}' is not a device: use auto, cpu, cuda or cuda:N.";
            return null;
        }
        if (threads < 0)
        {
            error = $"--threads must be 0 (all processors) or positive, got {threads}.";
            return null;
        }
        return BackendProvider.For(selection, threads);
    }

    internal static ModelHost<JanusModel> JanusHost(string directory, BackendProvider backends) =>
        new(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory))), backends, (backend, _, _) => JanusModel.Load(directory, backend));

    internal static bool IsUserError(Exception e) =>
        e is ConfigException or CheckpointException or IOException or UnauthorizedAccessException or ImageException or TokenizerFormatException
            or DeviceUnavailableException or ArgumentException or InvalidOperationException;
}
