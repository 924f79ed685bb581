using System.CommandLine;
using System.Globalization;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Imaging;
using DeepSeek.Sdk.Runtime;
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
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var question = new Argument<string>("question") { Description = "What to ask about the images (not empty)." };
        var command = new Command("describe", "Answer a question about images with Janus-Pro (multimodal understanding).")
        {
            model, images, maxTokens, temperature, seed, device, threads, question,
        };
        command.SetAction((parse, ct) => RunAsync(console, parse.GetValue(model)!, parse.GetValue(images)!, parse.GetValue(question)!,
            new GenerationOptions { MaxNewTokens = parse.GetValue(maxTokens), Sampling = new SamplingOptions { Temperature = parse.GetValue(temperature), Seed = parse.GetValue(seed) } },
            parse.GetValue(device)!, parse.GetValue(threads), ct));
        return command;
    }

    /// <exception cref="UsageException">The question is empty or an option is out of range (before anything is loaded).</exception>
    public static async Task<int> RunAsync(IAnsiConsole console, string directory, IReadOnlyList<string> imagePaths, string question, GenerationOptions options,
        string device, int threads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        ArgumentNullException.ThrowIfNull(options);
        CliValidation.NotBlank(question, "The question", "ask something about the image: \"What is in this picture?\"");
        if (options.MaxNewTokens <= 0) throw new UsageException($"--max-tokens must be at least 1, not {options.MaxNewTokens}.");
        CliValidation.Check(options.Sampling.Validate, CliValidation.SamplingFields);

        ModelFolder.Existing(directory);
        // The images and the folder's tokenizer first: a file they refuse costs no weight loading.
        var buffers = new List<ImageBuffer>();
        foreach (string path in imagePaths) buffers.Add(ImageCodecs.DecodeFile(path, cancellationToken: cancellationToken));
        using var backends = CommonOptions.OpenBackends(device, threads);
        await using var host = JanusHost(directory, backends);
        var pipeline = ImageUnderstandingPipeline.FromDirectory(host, directory, new ImageUnderstandingPipelineOptions { Defaults = options });
        await host.LoadAsync(null, cancellationToken).ConfigureAwait(false);

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
        catch
        {
            console.WriteLine(); // the error starts its own line after the streamed text
            throw;
        }
        return ExitCodes.Success;
    }

    internal static ModelHost<JanusModel> JanusHost(string directory, BackendProvider backends) =>
        new(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory))), backends, (backend, _, _) => JanusModel.Load(directory, backend));
}
