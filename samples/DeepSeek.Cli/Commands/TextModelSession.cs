using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Text;
using DeepSeek.Sdk.Text.Pipelines;
using Spectre.Console;

namespace DeepSeek.Cli.Commands;

/// <summary>A text model opened for the CLI: tokenizer and pipeline first (so a bad folder fails before any weights
/// are read), then the weights behind a Spectre progress bar fed by the loader's <see cref="ModelLoadProgress"/>.</summary>
internal sealed class TextModelSession : IDisposable
{
    private readonly BackendProvider _backends;

    private TextModelSession(BackendProvider backends, ModelHost<ICausalLanguageModel> host, TextGenerationPipeline pipeline)
    {
        _backends = backends;
        Host = host;
        Pipeline = pipeline;
    }

    public ModelHost<ICausalLanguageModel> Host { get; }

    public TextGenerationPipeline Pipeline { get; }

    public static async Task<TextModelSession> OpenAsync(IAnsiConsole console, string directory, DeviceSelection device, int threads, CancellationToken cancellationToken)
    {
        // The CUDA backend registers its factory here once it exists; Auto then prefers it.
        var backends = new BackendProvider(device, [new CpuBackendFactory(threads)]);
        var host = new ModelHost<ICausalLanguageModel>(directory, backends, (backend, progress, _) => TextModels.Load(directory, backend, null, progress));
        try
        {
            var pipeline = TextGenerationPipeline.FromDirectory(host, directory);
            await console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask("loading weights", maxValue: 1);
                    await host.LoadAsync(new TaskProgress(task), cancellationToken).ConfigureAwait(false);
                    task.Value = 1;
                    task.StopTask();
                }).ConfigureAwait(false);
            var size = host.LoadedSize;
            console.MarkupLineInterpolated($"[grey]loaded {Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)))} on {backends.Backend.Device}: {size.TensorsLoaded} tensors, {Format.Bytes(size.BytesLoaded)} in {host.LoadTime.TotalMilliseconds:F0} ms[/]");
            return new TextModelSession(backends, host, pipeline);
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            backends.Dispose();
            throw;
        }
    }

    public static string Describe(GenerationStatistics s, FinishReason reason) =>
        $"{s.CompletionTokens} tokens, prompt {s.PromptTokens} tokens, first token {s.TimeToFirstToken.TotalMilliseconds:F0} ms, {s.DecodeTokensPerSecond:F1} tokens/s, finish: {Describe(reason)}";

    public static string Describe(FinishReason reason) => reason switch
    {
        FinishReason.StopToken => "end of sequence",
        FinishReason.StopString => "stop string",
        FinishReason.MaxTokens => "max tokens",
        FinishReason.ContextFull => "context full",
        _ => reason.ToString(),
    };

    public void Dispose()
    {
        Host.Dispose();
        _backends.Dispose();
    }

    /// <summary>Loader reports arrive on the loading thread; Spectre's task values are safe to set from any thread.</summary>
    private sealed class TaskProgress(ProgressTask task) : IProgress<ModelLoadProgress>
    {
        public void Report(ModelLoadProgress value)
        {
            task.Description = $"loading weights: {Markup.Escape(value.Stage)}";
            task.Value = value.Fraction;
        }
    }
}
