using System.CommandLine;
using System.Text;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Tokenization;
using Spectre.Console;

namespace DeepSeek.Cli.Commands;

/// <summary><c>deepseek chat [--model &lt;dir&gt;]</c>: an interactive conversation. Each line the user types becomes a
/// user turn; the whole history goes through the chat template every turn, so the model sees the conversation.
/// <c>/reset</c> forgets the history, <c>/exit</c> (or end of input) leaves.</summary>
public static class ChatCommand
{
    /// <param name="input">Where the user's lines come from; standard input when null (tests pass a reader).</param>
    public static Command Create(IAnsiConsole console, TextReader? input = null)
    {
        var arguments = new GenerationArguments();
        var command = new Command("chat", "Chat with a model interactively (/reset clears the history, /exit leaves).");
        arguments.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(console, input ?? Console.In, arguments, parse, ct));
        return command;
    }

    private static async Task<int> RunAsync(IAnsiConsole console, TextReader input, GenerationArguments arguments, ParseResult parse, CancellationToken cancellationToken)
    {
        try
        {
            var device = arguments.ParseDevice(parse);
            using var session = await TextModelSession.OpenAsync(console, arguments.ModelDirectory(parse), device, parse.GetValue(arguments.Threads), cancellationToken);
            var pipeline = session.Pipeline;
            if (pipeline.ChatFormatter is null)
            {
                console.MarkupLine("[red]error:[/] the model's tokenizer has no chat template; use [bold]deepseek generate[/] for plain text.");
                return 1;
            }
            var options = arguments.Apply(parse, pipeline.Options.Defaults);
            string? system = parse.GetValue(arguments.System);
            var history = new List<ChatTurn>();
            if (system is not null) history.Add(ChatTurn.System(system));
            int fixedTurns = history.Count;
            console.MarkupLine("[grey]type a message; /reset clears the history, /exit leaves[/]");

            while (!cancellationToken.IsCancellationRequested)
            {
                console.Markup("[bold green]you>[/] ");
                string? line = await input.ReadLineAsync(cancellationToken);
                if (line is null || line.Trim() is "/exit" or "/quit") break;
                if (line.Trim() == "/reset")
                {
                    history.RemoveRange(fixedTurns, history.Count - fixedTurns);
                    console.MarkupLine("[grey](history cleared)[/]");
                    continue;
                }
                if (string.IsNullOrWhiteSpace(line)) continue;

                history.Add(ChatTurn.User(line));
                console.Markup("[bold blue]assistant>[/] ");
                var reply = new StringBuilder();
                try
                {
                    await foreach (var update in pipeline.GenerateStreamingAsync(history, options, cancellationToken))
                    {
                        reply.Append(update.Text);
                        console.Write(new Text(update.Text));
                        if (update.Statistics is { } statistics)
                        {
                            console.WriteLine();
                            console.MarkupLineInterpolated($"[grey]{TextModelSession.Describe(statistics, update.FinishReason)}[/]");
                        }
                    }
                    history.Add(ChatTurn.Assistant(reply.ToString()));
                }
                catch (ContextLengthExceededException e)
                {
                    history.RemoveAt(history.Count - 1);
                    console.WriteLine();
                    console.MarkupLineInterpolated($"[red]error:[/] {e.Message} Type /reset to start over.");
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
