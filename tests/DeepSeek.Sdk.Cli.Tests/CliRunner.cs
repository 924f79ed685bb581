using System.Diagnostics;
using DeepSeek.Cli;
using Spectre.Console;

namespace DeepSeek.Sdk.Cli.Tests;

/// <summary>Runs the deepseek command in-process and captures what a user would see.</summary>
internal static class CliRunner
{
    public static string Fixtures => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static string Oracle(string name) => Path.Combine(Fixtures, "oracle", name);

    public static Task<(int ExitCode, string Output)> Run(params string[] args) => Run(TestContext.Current.CancellationToken, args);

    public static async Task<(int ExitCode, string Output)> Run(CancellationToken cancellationToken, params string[] args)
    {
        var writer = new StringWriter();
        var console = CaptureConsole(writer);
        int rc = await DeepSeekCli.RunAsync(args, console, cancellationToken);
        return (rc, writer.ToString());
    }

    /// <summary>As <see cref="Run(string[])"/>, with how long the command took: the probes must answer within 2 s.</summary>
    public static async Task<(int ExitCode, string Output, TimeSpan Elapsed)> Timed(params string[] args)
    {
        var watch = Stopwatch.StartNew();
        var (rc, output) = await Run(args);
        return (rc, output, watch.Elapsed);
    }

    public static IAnsiConsole CaptureConsole(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 240;
        return console;
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
