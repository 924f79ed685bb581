using System.CommandLine;
using DeepSeek.Cli.Commands;
using Spectre.Console;

namespace DeepSeek.Cli;

/// <summary>The <c>deepseek</c> command tree. Commands write to an <see cref="IAnsiConsole"/> so tests
/// can capture what a user would see.</summary>
public static class DeepSeekCli
{
    public static RootCommand Build(IAnsiConsole console)
    {
        var root = new RootCommand("DeepSeek.Sdk: run DeepSeek models locally, on CPU or NVIDIA GPU, from .NET. "
            + "Exit codes: 0 success, 1 wrong input (model folder, file, template, device), 2 wrong command line, 70 internal error (a bug: please report it), 130 interrupted.");
        root.Subcommands.Add(InspectCommand.Create(console));
        root.Subcommands.Add(VerifyCommand.Create(console));
        root.Subcommands.Add(TokenizeCommand.Create(console));
        root.Subcommands.Add(GenerateCommand.Create(console));
        root.Subcommands.Add(ChatCommand.Create(console));
        root.Subcommands.Add(ReasonCommand.Create(console));
        root.Subcommands.Add(EvalCommand.Create(console));
        root.Subcommands.Add(EvalVisionCommand.Create(console));
        root.Subcommands.Add(DescribeCommand.Create(console));
        root.Subcommands.Add(ImagineCommand.Create(console));
        root.Subcommands.Add(BenchCommand.Create(console));
        return root;
    }

    /// <summary>Parses and runs a command line under the one error policy (<see cref="CliErrors"/>).</summary>
    /// <param name="cancellationToken">Cancels the command (the program ties it to Ctrl+C); the command then exits with
    /// <see cref="ExitCodes.Cancelled"/>.</param>
    public static Task<int> RunAsync(string[] args, IAnsiConsole console, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(console);
        return CliErrors.InvokeAsync(console, () =>
        {
            var parse = Build(console).Parse(args);
            if (parse.Errors.Count > 0) return Task.FromResult(CliErrors.ReportParseErrors(console, parse));
            var configuration = new InvocationConfiguration
            {
                // Exceptions reach CliErrors, and Ctrl+C is the caller's token alone (Program ties it to the console), so
                // that a cancelled run is told from a bug by that token.
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
                Output = console.Profile.Out.Writer,
                Error = console.Profile.Out.Writer,
            };
            return parse.InvokeAsync(configuration, cancellationToken);
        }, cancellationToken);
    }
}
