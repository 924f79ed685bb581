using DeepSeek.Cli;
using Spectre.Console;

namespace DeepSeek.Sdk.Cli.Tests;

/// <summary>Runs the deepseek command in-process and captures what a user would see.</summary>
internal static class CliRunner
{
    public static string Fixtures => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static string Oracle(string name) => Path.Combine(Fixtures, "oracle", name);

    public static async Task<(int ExitCode, string Output)> Run(params string[] args)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 240;
        int rc = await DeepSeekCli.RunAsync(args, console, TestContext.Current.CancellationToken);
        return (rc, writer.ToString());
    }

    /// <summary>A scratch copy of a fixture folder that a test may corrupt.</summary>
    public static string CopyOfFixture(string name)
    {
        string target = Path.Combine(Path.GetTempPath(), "deepseek-cli-tests", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(Oracle(name)))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        return target;
    }
}
