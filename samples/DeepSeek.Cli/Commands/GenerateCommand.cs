using System.CommandLine;
using DeepSeek.Sdk.Tokenization;
using Spectre.Console;

namespace DeepSeek.Cli.Commands;

/// <summary><c>deepseek generate [--model &lt;dir&gt;] "prompt"</c>: loads the model (with a progress bar), streams the
/// continuation as it is generated, and ends with the token counts, time to first token and decode speed.
/// <c>--chat</c> wraps the prompt in the model's chat template as one user turn.</summary>
public static class GenerateCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var arguments = new GenerationArguments();
        var chat = new Option<bool>("--chat") { Description = "Format the prompt as a user message with the model's chat template." };
        var prompt = new Argument<string>("prompt") { Description = "Text to continue (or, with --chat, the user's message)." };
        var command = new Command("generate", "Generate text from a prompt and print speed statistics.") { chat, prompt };
        arguments.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(console, arguments, parse, parse.GetValue(chat), parse.GetValue(prompt)!, ct));
        return command;
    }

    private static async Task<int> RunAsync(IAnsiConsole console, GenerationArguments arguments, ParseResult parse, bool chat, string prompt, CancellationToken cancellationToken)
    {
        try
        {
            var device = arguments.ParseDevice(parse);
            using var session = await TextModelSession.OpenAsync(console, arguments.ModelDirectory(parse), device, parse.GetValue(arguments.Threads), cancellationToken);
            var pipeline = session.Pipeline;
            var options = arguments.Apply(parse, pipeline.Options.Defaults);
            string? system = parse.GetValue(arguments.System);
            var updates = chat
                ? pipeline.GenerateStreamingAsync(system is null ? [ChatTurn.User(prompt)] : [ChatTurn.System(system), ChatTurn.User(prompt)], options, cancellationToken)
                : pipeline.GenerateStreamingAsync(prompt, options, cancellationToken);
            if (!chat) console.Write(new Text(prompt, new Style(decoration: Decoration.Bold)));
            await foreach (var update in updates)
            {
                console.Write(new Text(update.Text));
                if (update.Statistics is { } statistics)
                {
                    console.WriteLine();
                    console.MarkupLineInterpolated($"[grey]{TextModelSession.Describe(statistics, update.FinishReason)}[/]");
                }
            }
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.WriteLine();
            console.MarkupLine("[grey](cancelled)[/]");
            return 130;
        }
        catch (Exception e) when (CliErrors.IsUserError(e))
        {
            console.WriteLine();
            console.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return 1;
        }
    }
}
