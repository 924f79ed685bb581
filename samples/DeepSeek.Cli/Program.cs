using DeepSeek.Cli;
using Spectre.Console;

// The first Ctrl+C cancels the running command, which stops within a decode step and exits with 130; a second one
// ends the process at once, for a command that does not stop.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = !cancellation.IsCancellationRequested;
    cancellation.Cancel();
};
return await DeepSeekCli.RunAsync(args, AnsiConsole.Console, cancellation.Token);
