using System.CommandLine;
using DeepSeek.Sdk.Tokenization;
using Spectre.Console;

namespace DeepSeek.Cli.Commands;

/// <summary><c>deepseek generate [--model &lt;dir&gt;] "prompt"</c>: loads the model (with a progress bar), streams the
/// continuation as it is generated, and ends with the token counts, time to first token and decode speed.
/// <c>--chat</c> wraps the prompt in the model's chat template as one user turn.</summary>
/// <remarks>An empty prompt is a legitimate request to a completion model whose tokenizer adds BOS (an unconditional
/// sample, as transformers' generate does from BOS alone); without BOS it holds no token and is refused. An empty
/// --chat message is refused: the template would frame nothing.</remarks>
public static class GenerateCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var arguments = new GenerationArguments();
        var chat = new Option<bool>("--chat") { Description = "Format the prompt as a user message with the model's chat template." };
        var prompt = new Argument<string>("prompt") { Description = "Text to continue (may be empty when the tokenizer adds BOS), or, with --chat, the user's message." };
        var command = new Command("generate", "Generate text from a prompt and print speed statistics.") { chat, prompt };
        arguments.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(console, arguments, parse, parse.GetValue(chat), parse.GetValue(prompt)!, ct));
        return command;
    }

    private static async Task<int> RunAsync(IAnsiConsole console, GenerationArguments arguments, ParseResult parse, bool chat, string prompt, CancellationToken cancellationToken)
    {
        if (chat) CliValidation.NotBlank(prompt, "The --chat message");
        using var session = TextModelSession.Open(arguments.ModelDirectory(parse), parse.GetValue(arguments.Device)!, parse.GetValue(arguments.Threads));
        var pipeline = session.Pipeline;
        var options = arguments.Apply(parse, pipeline.Options.Defaults);
        string? system = parse.GetValue(arguments.System);
        ChatTurn[] turns = system is null ? [ChatTurn.User(prompt)] : [ChatTurn.System(system), ChatTurn.User(prompt)];
        // Encoded (and the chat template rendered) before the weights load, so that a prompt the template or the
        // tokenizer refuses costs no load.
        int[] promptIds = chat ? pipeline.EncodeChat(turns) : pipeline.EncodePrompt(prompt);
        if (promptIds.Length == 0)
            throw new UsageException("The prompt is empty and the tokenizer adds no BOS token, so there is nothing to continue.", "give a prompt, or --chat with a message.");
        await session.LoadAsync(console, cancellationToken).ConfigureAwait(false);

        if (!chat) console.Write(new Text(prompt, new Style(decoration: Decoration.Bold)));
        try
        {
            await foreach (var update in pipeline.GenerateStreamingAsync(promptIds, options, cancellationToken).ConfigureAwait(false))
            {
                console.Write(new Text(update.Text));
                if (update.Statistics is { } statistics)
                {
                    console.WriteLine();
                    console.MarkupLineInterpolated($"[grey]{TextModelSession.Describe(statistics, update.FinishReason)}[/]");
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
}
