using System.CommandLine;
using DeepSeek.Sdk.Tokenization;
using Spectre.Console;

namespace DeepSeek.Cli.Commands;

/// <summary><c>deepseek tokenize --model &lt;dir&gt; "text"</c>: prints the ids and the pieces they stand for.</summary>
public static class TokenizeCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var model = new Option<string>("--model") { Description = "Folder holding tokenizer.json[.gz] and tokenizer_config.json.", Required = true };
        var special = new Option<bool>("--add-special-tokens") { Description = "Insert BOS/EOS as the tokenizer's post-processor does." };
        var text = new Argument<string>("text") { Description = "Text to encode." };
        var command = new Command("tokenize", "Encode text and show each token id with its piece.") { model, special, text };
        command.SetAction(parse => Run(console, parse.GetValue(model)!, parse.GetValue(text)!, parse.GetValue(special)));
        return command;
    }

    public static int Run(IAnsiConsole console, string modelDirectory, string text, bool addSpecialTokens)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var tokenizer = Tokenizer.FromDirectory(ModelFolder.Existing(modelDirectory));
        console.MarkupLineInterpolated($"[grey]loaded a {tokenizer.VocabularySize}-token vocabulary in {watch.ElapsedMilliseconds} ms[/]");
        int[] ids = tokenizer.Encode(text, addSpecialTokens);
        var table = new Table().AddColumns("#", "id", "piece", "text");
        for (int i = 0; i < ids.Length; i++)
        {
            string piece = tokenizer.IdToToken(ids[i]) ?? "?";
            string decoded = tokenizer.Decode([ids[i]]);
            table.AddRow(i.ToString(System.Globalization.CultureInfo.InvariantCulture), ids[i].ToString(System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(piece), Markup.Escape(Visible(decoded)));
        }
        console.Write(table);
        console.MarkupLineInterpolated($"{ids.Length} tokens: [[{string.Join(", ", ids)}]]");
        return 0;
    }

    /// <summary>Shows whitespace and control characters so a piece like "\n " is readable.</summary>
    private static string Visible(string s) => s.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);
}
