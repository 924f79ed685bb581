using DeepSeek.Cli;
using Spectre.Console;

return await DeepSeekCli.RunAsync(args, AnsiConsole.Console);
