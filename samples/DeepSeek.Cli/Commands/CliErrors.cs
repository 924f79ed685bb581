using System.CommandLine;
using DeepSeek.Sdk;
using DeepSeek.Sdk.Backends.Cuda;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Hosting;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Tokenization.Templates;
using Spectre.Console;

namespace DeepSeek.Cli.Commands;

/// <summary>The one error policy of every <c>deepseek</c> verb, applied around the invoked command:
/// <list type="bullet">
/// <item>a command line that does not parse, or a value out of range (<see cref="UsageException"/>): one
/// <c>error:</c> line, a hint, exit <see cref="ExitCodes.Usage"/>;</item>
/// <item>what the user handed in was wrong: the SDK's typed exceptions (everything deriving from
/// <see cref="DeepSeekException"/>: config, checkpoint, tokenizer, template, image, context length, device, and their
/// limits), files that cannot be read or written (<see cref="IOException"/>, <see cref="UnauthorizedAccessException"/>,
/// <see cref="ModelNotFoundException"/>), memory the input asks for that the machine lacks, and the commands' own
/// <see cref="CommandException"/>s: one <c>error:</c> line, a hint where one helps, exit <see cref="ExitCodes.UserError"/>;</item>
/// <item>Ctrl+C: <c>(cancelled)</c>, exit <see cref="ExitCodes.Cancelled"/>;</item>
/// <item>anything else is a bug in the CLI or the SDK, whatever its type (an <see cref="ArgumentException"/> from deep
/// inside is a broken contract, not the user's fault): the full stack trace, a request to report it, exit
/// <see cref="ExitCodes.Software"/>.</item>
/// </list></summary>
public static class CliErrors
{
    /// <summary>Runs <paramref name="command"/> and turns what it throws into the output and exit code above.</summary>
    public static async Task<int> InvokeAsync(IAnsiConsole console, Func<Task<int>> command, CancellationToken cancellationToken)
    {
        try
        {
            return await command().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return Report(console, e, cancellationToken);
        }
    }

    /// <summary>Prints each parse error (unknown option, value that does not convert, failed option validator) and a
    /// pointer to the command's help.</summary>
    public static int ReportParseErrors(IAnsiConsole console, ParseResult parse)
    {
        foreach (var error in parse.Errors) Error(console, error.Message);
        string verb = parse.CommandResult.Command is RootCommand ? "" : parse.CommandResult.Command.Name + " ";
        Hint(console, $"deepseek {verb}--help lists the options.");
        return ExitCodes.Usage;
    }

    public static int Report(IAnsiConsole console, Exception exception, CancellationToken cancellationToken)
    {
        var e = Unwrap(exception);
        if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            console.WriteLine(); // a stream may have been cut mid-line
            console.MarkupLine("[grey](cancelled)[/]");
            return ExitCodes.Cancelled;
        }
        if (AsUserError(e) is var (message, hint, exitCode))
        {
            Error(console, message);
            if (hint is not null && !message.Contains(hint, StringComparison.Ordinal)) Hint(console, hint);
            return exitCode;
        }
        Error(console, $"internal error: {e.GetType().FullName}: {OneLine(e.Message)}");
        console.Write(new Text(exception + Environment.NewLine));
        console.MarkupLine("[red]This is a bug in deepseek, not a problem with your input.[/] Please report it with the command line you ran and the trace above.");
        return ExitCodes.Software;
    }

    /// <summary>The message, hint and exit code of an exception that means "the input is wrong"; null for a bug.</summary>
    public static (string Message, string? Hint, int ExitCode)? AsUserError(Exception e) => e switch
    {
        CommandException c => (OneLine(c.Message), c.Hint, c.ExitCode),
        ContextLengthExceededException => (OneLine(e.Message), "shorten the prompt (in chat, /reset drops the history).", ExitCodes.UserError),
        DeviceUnavailableException or CudaUnavailableException => (OneLine(e.Message), "--device cpu runs on the processor.", ExitCodes.UserError),
        TemplateException => (OneLine(e.Message), "the chat template is the model folder's (tokenizer_config.json or chat_template.jinja).", ExitCodes.UserError),
        DeepSeekException => (OneLine(e.Message), null, ExitCodes.UserError),
        ModelNotFoundException => (OneLine(e.Message), "pass --model <folder>.", ExitCodes.UserError),
        DirectoryNotFoundException => (OneLine(e.Message), "check the folder given to --model (or the path named).", ExitCodes.UserError),
        UnauthorizedAccessException => (OneLine(e.Message), "check the permissions of the path named.", ExitCodes.UserError),
        IOException => (OneLine(e.Message), null, ExitCodes.UserError),
        OutOfMemoryException => ($"out of memory: {OneLine(e.Message)}", "the model (or --max-tokens, --parallel) needs more memory than this machine has.", ExitCodes.UserError),
        CudaException { ErrorName: "CUDA_ERROR_OUT_OF_MEMORY" } => (OneLine(e.Message), "the model needs more GPU memory than is free: a smaller model, or --device cpu.", ExitCodes.UserError),
        _ => null,
    };

    /// <summary>A message on one line: exception messages may hold line breaks (ArgumentOutOfRangeException's
    /// "Actual value was ..."), and the error is one line.</summary>
    internal static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>The exception a wrapper stands for: a task or parallel loop that failed once reports that failure.</summary>
    private static Exception Unwrap(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } aggregate) e = aggregate.InnerExceptions[0];
        return e;
    }

    /// <summary>Writes <c>error: message</c> as one line.</summary>
    internal static void Error(IAnsiConsole console, string message) => Line(console, "error:", "\u001b[91m", message);

    /// <summary>Writes <c>hint: text</c> as one line.</summary>
    internal static void Hint(IAnsiConsole console, string hint) => Line(console, "hint:", "\u001b[90m", hint);

    // Straight to the console's writer: Spectre would hard-wrap the line at the console's width (80 columns when the
    // output is redirected), and an error line is what scripts and logs search for. The label is coloured where the
    // console understands ANSI; the message is printed as it is (no markup).
    private static void Line(IAnsiConsole console, string label, string colour, string text)
    {
        var writer = console.Profile.Out.Writer;
        writer.WriteLine(console.Profile.Capabilities.Ansi ? $"{colour}{label}\u001b[0m {text}" : $"{label} {text}");
        writer.Flush();
    }
}
