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
        var root = new RootCommand("DeepSeek.Sdk: run DeepSeek models locally, on CPU or NVIDIA GPU, from .NET.");
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

    public static Task<int> RunAsync(string[] args, IAnsiConsole console, CancellationToken cancellationToken = default) =>
        Build(console).Parse(args).InvokeAsync(cancellationToken: cancellationToken);
}
