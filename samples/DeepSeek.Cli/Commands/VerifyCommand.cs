using System.CommandLine;
using DeepSeek.Cli.Verification;
using Spectre.Console;

namespace DeepSeek.Cli.Commands;

/// <summary><c>deepseek verify &lt;case-dir&gt;</c>: checks the SDK against a reference fixture folder and exits 0
/// only when every check passes its tolerance.</summary>
public static class VerifyCommand
{
    public static Command Create(IAnsiConsole console, CaseDispatcher? dispatcher = null)
    {
        var caseDir = new Argument<string>("case-dir") { Description = "A fixture folder in the oracle format (model case or tokenizers case)." };
        var tokenizers = new Option<string?>("--tokenizers") { Description = "Folder with <name>.tokenizer.json[.gz] and <name>.tokenizer_config.json (tokenizers case)." };
        var command = new Command("verify", "Check the SDK against a reference fixture folder; prints per-check errors.") { caseDir, tokenizers };
        command.SetAction((parse, ct) => Task.FromResult(Run(console, dispatcher ?? CaseDispatcher.Default, parse.GetValue(caseDir)!, new VerifyOptions(parse.GetValue(tokenizers)), ct)));
        return command;
    }

    public static int Run(IAnsiConsole console, CaseDispatcher dispatcher, string path, VerifyOptions options, CancellationToken cancellationToken)
    {
        var folder = CaseFolder.Open(path);
        var verifier = dispatcher.Find(folder);
        // A verifier that throws (rather than reporting a failed check) is handled by the CLI's error policy: a typed
        // SDK error is the fixture's fault, anything else a bug the fixture found.
        var results = verifier.Verify(folder, options, cancellationToken);

        var table = new Table().AddColumns("check", "result", "measure", "tolerance");
        foreach (var r in results)
        {
            table.AddRow(
                Markup.Escape(r.Name),
                r.Passed ? "[green]pass[/]" : "[red]FAIL[/]",
                Markup.Escape(r.Measure + (r.Detail is null ? "" : $" ({r.Detail})")),
                Markup.Escape(r.Tolerance));
        }
        console.Write(table);
        int passed = results.Count(r => r.Passed);
        bool ok = results.Count > 0 && passed == results.Count;
        console.MarkupLineInterpolated($"{folder.Name} ({verifier.Kind}): {passed}/{results.Count} checks passed ({(results.Count == 0 ? 0 : 100.0 * passed / results.Count):F0}%)");
        return ok ? 0 : 1;
    }
}
