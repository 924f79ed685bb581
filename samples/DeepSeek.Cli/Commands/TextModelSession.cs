using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Text;
using DeepSeek.Sdk.Text.Pipelines;
using Spectre.Console;

namespace DeepSeek.Cli.Commands;

/// <summary>A text model opened for the CLI: tokenizer and pipeline first (so a bad folder, option or prompt fails
/// before any weights are read), then the weights behind a Spectre progress bar fed by the loader's
/// <see cref="ModelLoadProgress"/>.</summary>
internal sealed class TextModelSession : IDisposable
{
    private readonly BackendProvider _backends;
    private readonly string _directory;

    private TextModelSession(BackendProvider backends, ModelHost<ICausalLanguageModel> host, TextGenerationPipeline pipeline, string directory)
    {
        _backends = backends;
        _directory = directory;
        Host = host;
        Pipeline = pipeline;
    }

    public ModelHost<ICausalLanguageModel> Host { get; }

    public TextGenerationPipeline Pipeline { get; }

    /// <summary>The tokenizer and pipeline of <paramref name="directory"/>, without the weights: what the command can
    /// check against them (options, prompt) is checked before <see cref="LoadAsync"/> reads gigabytes.</summary>
    public static TextModelSession Open(string directory, string device, int threads)
    {
        var backends = CommonOptions.OpenBackends(device, threads);
        var host = new ModelHost<ICausalLanguageModel>(directory, backends, (backend, progress, _) => TextModels.Load(directory, backend, null, progress));
        try
        {
            return new TextModelSession(backends, host, TextGenerationPipeline.FromDirectory(host, directory), directory);
        }
        catch
        {
            host.Dispose();
            backends.Dispose();
            throw;
        }
    }

    /// <summary>Loads the weights behind a progress bar and says what was loaded where.</summary>
    public async Task LoadAsync(IAnsiConsole console, CancellationToken cancellationToken)
    {
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("loading weights", maxValue: 1);
                await Host.LoadAsync(new TaskProgress(task), cancellationToken).ConfigureAwait(false);
                task.Value = 1;
                task.StopTask();
            }).ConfigureAwait(false);
        var size = Host.LoadedSize;
        console.MarkupLineInterpolated($"[grey]loaded {Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(_directory)))} on {_backends.Backend.Device}: {size.TensorsLoaded} tensors, {Format.Bytes(size.BytesLoaded)} in {Host.LoadTime.TotalMilliseconds:F0} ms[/]");
    }

    public static string Describe(GenerationStatistics s, FinishReason reason) =>
        $"{s.CompletionTokens} tokens, prompt {s.PromptTokens} tokens, first token {s.TimeToFirstToken.TotalMilliseconds:F0} ms, {s.DecodeTokensPerSecond:F1} tokens/s, finish: {Describe(reason)}";

    public static string Describe(FinishReason reason) => reason switch
    {
        FinishReason.StopToken => "end of sequence",
        FinishReason.StopString => "stop string",
        FinishReason.MaxTokens => "max tokens",
        FinishReason.ContextFull => "context full",
        FinishReason.Stopped => "stopped",
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
