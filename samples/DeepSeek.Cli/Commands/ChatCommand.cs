using System.CommandLine;
using System.Text;
using DeepSeek.Sdk;
using DeepSeek.Sdk.Tokenization;
using Spectre.Console;

namespace DeepSeek.Cli.Commands;

/// <summary><c>deepseek chat [--model &lt;dir&gt;]</c>: an interactive conversation. Each line the user types becomes a
/// user turn; the whole history goes through the chat template every turn, so the model sees the conversation.
/// <c>/reset</c> forgets the history, <c>/exit</c> (or end of input) leaves. A turn the model folder refuses (its
/// template raises, for instance "roles must alternate", or the history outgrows the context window) is reported and
/// dropped, and the session goes on.</summary>
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
        using var session = TextModelSession.Open(arguments.ModelDirectory(parse), parse.GetValue(arguments.Device)!, parse.GetValue(arguments.Threads));
        var pipeline = session.Pipeline;
        if (pipeline.ChatFormatter is null)
            throw new CommandException("The model's tokenizer has no chat template (tokenizer_config.json has no chat_template).", "deepseek generate continues plain text.");
        var options = arguments.Apply(parse, pipeline.Options.Defaults);
        await session.LoadAsync(console, cancellationToken).ConfigureAwait(false);
        string? system = parse.GetValue(arguments.System);
        var history = new List<ChatTurn>();
        if (system is not null) history.Add(ChatTurn.System(system));
        int fixedTurns = history.Count;
        console.MarkupLine("[grey]type a message; /reset clears the history, /exit leaves[/]");

        while (!cancellationToken.IsCancellationRequested)
        {
            console.Markup("[bold green]you>[/] ");
            string? line = await input.ReadLineAsync(cancellationToken).ConfigureAwait(false);
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
                await foreach (var update in pipeline.GenerateStreamingAsync(history, options, cancellationToken).ConfigureAwait(false))
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
            catch (DeepSeekException e)
            {
                // The model folder refused this turn (a template's raise_exception, a prompt past the context window):
                // the turn is dropped and the conversation stays as it was before it. Anything else is not the
                // turn's fault and ends the session through the CLI's error policy.
                history.RemoveAt(history.Count - 1);
                console.WriteLine();
                CliErrors.Error(console, CliErrors.OneLine(e.Message));
                CliErrors.Hint(console, "the message was dropped; type another, or /reset to start over.");
            }
        }
        return ExitCodes.Success;
    }
}
