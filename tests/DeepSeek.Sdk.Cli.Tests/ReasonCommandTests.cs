using System.Text.Json.Nodes;

namespace DeepSeek.Sdk.Cli.Tests;

/// <summary><c>deepseek reason</c> on the random-weight DeepSeek-V3 fixture model with the shared tiny tokenizer and
/// DeepSeek-V3's chat template: the text is noise, the structure (trace, budget, answer, JSON) is what is checked.</summary>
public sealed class ReasonCommandTests : IDisposable
{
    private readonly List<string> _copies = [];

    public void Dispose()
    {
        foreach (var dir in _copies)
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // A mapping still open on Windows keeps the file; the OS temp cleaner gets it later.
            }
        }
    }

    [Fact]
    public async Task Json_prints_the_result_with_the_budget_closing_the_trace_after_exactly_N_tokens()
    {
        string dir = ModelWithTokenizer();
        var (rc, output) = await CliRunner.Run("reason", "--model", dir, "--max-thinking-tokens", "5", "--max-tokens", "16", "--temperature", "0", "--json", "What is 2+2?");

        Assert.Equal(0, rc);
        var result = JsonNode.Parse(output)!;
        Assert.Equal(5, result["reasoningTokens"]!.GetValue<int>());
        Assert.True(result["closedByBudget"]!.GetValue<bool>());
        Assert.True(result["traceClosed"]!.GetValue<bool>());
        Assert.Equal(ForcedTokens(dir), result["forcedTokens"]!.GetValue<int>());
        Assert.True(result["answerTokens"]!.GetValue<int>() > 0);
        Assert.Contains(result["finishReason"]!.GetValue<string>(), new[] { "stopToken", "maxTokens" });
        Assert.True(result["timings"]!["totalMs"]!.GetValue<double>() >= result["timings"]!["timeToFirstTokenMs"]!.GetValue<double>());
        Assert.NotNull(result["reasoning"]);
        Assert.NotNull(result["answer"]);
    }

    [Fact]
    public async Task Text_output_shows_the_reasoning_then_the_end_of_thinking_then_the_answer()
    {
        string dir = ModelWithTokenizer();
        string[] args = ["reason", "--model", dir, "--max-thinking-tokens", "6", "--max-tokens", "20", "--temperature", "0", "What is 2+2?"];
        var (jsonRc, json) = await CliRunner.Run([.. args, "--json"]);
        Assert.Equal(0, jsonRc);
        var result = JsonNode.Parse(json)!;
        string reasoning = result["reasoning"]!.GetValue<string>();
        string answer = result["answer"]!.GetValue<string>();

        var (rc, output) = await CliRunner.Run(args);

        Assert.Equal(0, rc);
        int marker = output.IndexOf("thought for", StringComparison.Ordinal);
        Assert.True(marker > 0, output);
        Assert.Contains("6 tokens (thinking budget reached)", output);
        // Greedy decoding makes both runs produce the same text; the console may hard-wrap it, so compare
        // without line breaks.
        string flat = Flatten(output);
        int flatMarker = flat.IndexOf("thought for", StringComparison.Ordinal);
        Assert.True(reasoning.Length == 0 || Flatten(flat[..flatMarker]).Contains(Flatten(reasoning), StringComparison.Ordinal), output);
        Assert.True(answer.Length == 0 || flat[flatMarker..].Contains(Flatten(answer), StringComparison.Ordinal), output);
        Assert.Contains("reasoning + ", output);
    }

    [Fact]
    public async Task Stop_after_thinking_leaves_out_the_answer()
    {
        string dir = ModelWithTokenizer();
        var (rc, output) = await CliRunner.Run("reason", "--model", dir, "--max-thinking-tokens", "4", "--stop-after-thinking", "--seed", "3", "--json", "q");

        Assert.Equal(0, rc);
        var result = JsonNode.Parse(output)!;
        Assert.Equal("endOfThinking", result["finishReason"]!.GetValue<string>());
        Assert.Equal(4, result["reasoningTokens"]!.GetValue<int>());
        Assert.Equal(0, result["answerTokens"]!.GetValue<int>());
        Assert.Equal("", result["answer"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_model_folder_without_a_tokenizer_fails_clearly()
    {
        string dir = CliRunner.CopyOfFixture("deepseek_v3_f32");
        _copies.Add(dir);
        var (rc, output) = await CliRunner.Run("reason", "--model", dir, "q");
        Assert.Equal(1, rc);
        Assert.Contains("tokenizer.json", output);
    }

    [Fact]
    public async Task Out_of_range_sampling_is_rejected_naming_the_setting()
    {
        string dir = ModelWithTokenizer();
        var (rc, output) = await CliRunner.Run("reason", "--model", dir, "--top-p", "1.5", "q");
        Assert.Equal(2, rc);
        Assert.Contains("TopP", output);
    }

    private static string Flatten(string text) => text.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);

    /// <summary>A copy of the deepseek_v3_f32 fixture (vocabulary 320) with the shared tiny tokenizer: DeepSeek-V3's
    /// chat template (the pipeline opens the trace itself) and no think tokens (the tags are BPE pieces).</summary>
    private string ModelWithTokenizer()
    {
        var dir = Directory.CreateTempSubdirectory("deepseek-reason").FullName;
        _copies.Add(dir);
        return TinyTokenizer.CopyFixtureWithTokenizer("deepseek_v3_f32", dir);
    }

    /// <summary>How many tokens the pipeline forces when the budget closes the trace, with this tokenizer.</summary>
    private static int ForcedTokens(string dir) => DeepSeek.Sdk.Tokenization.Tokenizer.FromDirectory(dir).Encode("\n</think>\n\n").Length;
}
