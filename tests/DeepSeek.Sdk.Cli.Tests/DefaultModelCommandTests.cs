using System.Text.Json.Nodes;

namespace DeepSeek.Sdk.Cli.Tests;

/// <summary>Without <c>--model</c> the commands run the shipped deepseek-r1-tiny, which the CLI carries in its output
/// folder (models/deepseek-r1-tiny, through its reference to DeepSeek.Sdk.Models), as a fresh clone would.</summary>
public sealed class DefaultModelCommandTests
{
    [Fact]
    public async Task Reason_without_a_model_answers_after_a_separated_trace()
    {
        var (rc, output) = await CliRunner.Run("reason", "--temperature", "0", "--json", "What is 123 + 456?");

        Assert.Equal(0, rc);
        var result = JsonNode.Parse(output)!;
        Assert.Equal("579", result["answer"]!.GetValue<string>());
        // The trace is the column-by-column addition, without its tags, and none of it leaks into the answer.
        string reasoning = result["reasoning"]!.GetValue<string>();
        Assert.StartsWith("123+456\n3+6+0=9, carry 0", reasoning);
        Assert.EndsWith("123+456=579", reasoning);
        Assert.DoesNotContain("think>", reasoning);
        Assert.True(result["traceClosed"]!.GetValue<bool>());
        Assert.False(result["closedByBudget"]!.GetValue<bool>());
        Assert.Equal("stopToken", result["finishReason"]!.GetValue<string>());
        Assert.Equal(0, result["forcedTokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task Reason_without_a_model_streams_the_trace_then_the_end_of_thinking_then_the_answer()
    {
        var (rc, output) = await CliRunner.Run("reason", "--temperature", "0", "What is 123 + 456?");

        Assert.Equal(0, rc);
        int trace = output.IndexOf("123+456=579", StringComparison.Ordinal);
        int marker = output.IndexOf("thought for", StringComparison.Ordinal);
        int answer = output.IndexOf("\n579", marker + 1, StringComparison.Ordinal);
        Assert.True(trace >= 0 && marker > trace && answer > marker, output);
        Assert.Contains("finished: end of answer", output);
    }

    [Fact]
    public async Task Generate_without_a_model_completes_the_chat_prompt_with_trace_and_answer()
    {
        var (rc, output) = await CliRunner.Run("generate", "--chat", "--temperature", "0", "--max-tokens", "60", "What is 2 + 3?");

        Assert.Equal(0, rc);
        Assert.Contains("2+3=5\n</think>\n\n5", output);
        Assert.Contains("finish: end of sequence", output);
    }
}
