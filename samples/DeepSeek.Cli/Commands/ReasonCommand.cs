using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Reasoning;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Text;
using DeepSeek.Sdk.Tokenization;
using Spectre.Console;

namespace DeepSeek.Cli.Commands;

/// <summary><c>deepseek reason [--model &lt;dir&gt;] "question"</c>: runs a reasoning model (DeepSeek-R1 or a
/// distill; the shipped deepseek-r1-tiny without <c>--model</c>) and shows its thinking, dimmed, as it streams, then
/// the answer; <c>--json</c> prints the result object instead.</summary>
public static class ReasonCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var defaults = new ReasoningOptions();
        var model = ModelFolder.CreateOption();
        var question = new Argument<string>("question") { Description = "What to ask." };
        var budget = new Option<int?>("--max-thinking-tokens") { Description = "Thinking budget: after this many reasoning tokens the trace is closed and the model answers (0 skips thinking)." };
        var stopAfterThinking = new Option<bool>("--stop-after-thinking") { Description = "Stop where the reasoning ends, without the answer." };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Most new tokens, reasoning and answer together.", DefaultValueFactory = _ => defaults.MaxNewTokens };
        var temperature = new Option<float>("--temperature") { Description = "Sampling temperature (R1 recommends 0.5-0.7; 0 is greedy).", DefaultValueFactory = _ => defaults.Sampling.Temperature };
        var topP = new Option<float>("--top-p") { Description = "Nucleus sampling mass.", DefaultValueFactory = _ => defaults.Sampling.TopP };
        var topK = new Option<int>("--top-k") { Description = "Keep only the K most likely tokens (0: all)." };
        var seed = new Option<int?>("--seed") { Description = "Seed of the sampler, for a reproducible run." };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var json = new Option<bool>("--json") { Description = "Print the result as JSON instead of streaming text." };
        var command = new Command("reason", "Ask a reasoning model; shows its thinking (dimmed) and then its answer.")
        {
            model, question, budget, stopAfterThinking, maxTokens, temperature, topP, topK, seed, device, threads, json,
        };
        command.SetAction((parse, ct) =>
        {
            var options = defaults with
            {
                MaxThinkingTokens = parse.GetValue(budget),
                StopAfterThinking = parse.GetValue(stopAfterThinking),
                MaxNewTokens = parse.GetValue(maxTokens),
                Sampling = defaults.Sampling with
                {
                    Temperature = parse.GetValue(temperature),
                    TopP = parse.GetValue(topP),
                    TopK = parse.GetValue(topK),
                    Seed = parse.GetValue(seed),
                },
            };
            return RunAsync(console, parse.GetValue(model), parse.GetValue(question)!, options, parse.GetValue(device)!, parse.GetValue(threads), parse.GetValue(json), ct);
        });
        return command;
    }

    /// <param name="modelDirectory">The model folder; the shipped default model when null.</param>
    /// <exception cref="UsageException">The question is empty or an option is out of range (before anything is loaded).</exception>
    public static async Task<int> RunAsync(IAnsiConsole console, string? modelDirectory, string question, ReasoningOptions options, string device, int threads, bool json, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        // An empty question would still be framed by the template and answered with something unrelated.
        CliValidation.NotBlank(question, "The question", "ask something: deepseek reason \"What is 12 * 34?\"");
        CliValidation.Check(options.Validate, CliValidation.SamplingFields);

        using var backends = CommonOptions.OpenBackends(device, threads);
        modelDirectory = ModelFolder.Resolve(modelDirectory);
        // The tokenizer and template first: a folder they refuse costs no weight loading.
        using var host = new ModelHost<ICausalLanguageModel>(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelDirectory))), backends, (backend, _, _) => TextModels.Load(modelDirectory, backend));
        using var pipeline = ReasoningPipeline.FromDirectory(host, modelDirectory, options);
        _ = pipeline.FormatPrompt([ChatTurn.User(question)]);
        await host.LoadAsync(null, cancellationToken).ConfigureAwait(false);

        if (json)
        {
            var result = await pipeline.RunAsync(question, options, cancellationToken).ConfigureAwait(false);
            console.Profile.Out.Writer.WriteLine(ToJson(result));
            return ExitCodes.Success;
        }
        try
        {
            await foreach (var update in pipeline.StreamAsync(question, options, cancellationToken).ConfigureAwait(false))
                Show(console, update);
        }
        catch
        {
            console.WriteLine(); // the error starts its own line after the streamed text
            throw;
        }
        return ExitCodes.Success;
    }

    private static void Show(IAnsiConsole console, ReasoningUpdate update)
    {
        switch (update)
        {
            case ReasoningDelta reasoning:
                console.Write(new Text(reasoning.Text, new Style(decoration: Decoration.Dim)));
                break;
            case ThinkingCompleted thinking:
                console.WriteLine();
                console.MarkupLineInterpolated($"[dim]— thought for {thinking.ThinkingTime.TotalSeconds:F1} s, {thinking.ReasoningTokens} tokens{(thinking.ClosedByBudget ? " (thinking budget reached)" : "")} —[/]");
                console.WriteLine();
                break;
            case AnswerDelta answer:
                console.Write(new Text(answer.Text));
                break;
            case ReasoningCompleted { Result: var result }:
                console.WriteLine();
                double seconds = result.Timings.Total.TotalSeconds;
                int generated = result.ReasoningTokens + result.AnswerTokens + result.ForcedTokens;
                console.MarkupLineInterpolated(
                    $"[dim]{result.ReasoningTokens} reasoning + {result.AnswerTokens} answer tokens in {seconds:F1} s ({(seconds > 0 ? generated / seconds : 0):F1} tokens/s), first token after {result.Timings.TimeToFirstToken.TotalMilliseconds:F0} ms; finished: {Describe(result.FinishReason)}[/]");
                break;
        }
    }

    private static string Describe(ReasoningFinishReason reason) => reason switch
    {
        ReasoningFinishReason.StopToken => "end of answer",
        ReasoningFinishReason.StopString => "stop string",
        ReasoningFinishReason.MaxTokens => "token limit (--max-tokens)",
        ReasoningFinishReason.ContextFull => "context window full",
        ReasoningFinishReason.EndOfThinking => "end of thinking (--stop-after-thinking)",
        _ => reason.ToString(),
    };

    /// <summary>The result object as JSON; times in milliseconds. Relaxed escaping keeps tags and non-ASCII
    /// text readable (the output goes to a terminal or a file, never into HTML).</summary>
    public static string ToJson(ReasoningResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("reasoning", result.Reasoning);
            writer.WriteString("answer", result.Answer);
            writer.WriteNumber("promptTokens", result.PromptTokens);
            writer.WriteNumber("reasoningTokens", result.ReasoningTokens);
            writer.WriteNumber("answerTokens", result.AnswerTokens);
            writer.WriteNumber("forcedTokens", result.ForcedTokens);
            writer.WriteBoolean("traceClosed", result.TraceClosed);
            writer.WriteBoolean("closedByBudget", result.ClosedByBudget);
            writer.WriteString("finishReason", JsonNamingPolicy.CamelCase.ConvertName(result.FinishReason.ToString()));
            writer.WriteStartObject("timings");
            writer.WriteNumber("timeToFirstTokenMs", Math.Round(result.Timings.TimeToFirstToken.TotalMilliseconds, 3));
            writer.WriteNumber("thinkingMs", Math.Round(result.Timings.ThinkingTime.TotalMilliseconds, 3));
            writer.WriteNumber("totalMs", Math.Round(result.Timings.Total.TotalMilliseconds, 3));
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
