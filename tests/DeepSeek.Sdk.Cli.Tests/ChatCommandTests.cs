using System.Text.RegularExpressions;

namespace DeepSeek.Sdk.Cli.Tests;

/// <summary>The chat command reads the user's lines from standard input, which these tests replace; they run alone
/// so no other test sees the replaced input.</summary>
[CollectionDefinition(nameof(StandardInputCollection), DisableParallelization = true)]
public sealed class StandardInputCollection;

[Collection(nameof(StandardInputCollection))]
public sealed class ChatCommandTests
{
    private static async Task<(int, string)> Chat(string input, params string[] args)
    {
        var original = Console.In;
        Console.SetIn(new StringReader(input));
        try
        {
            return await CliRunner.Run(["chat", .. args]);
        }
        finally
        {
            Console.SetIn(original);
        }
    }

    private static int[] PromptTokens(string output) =>
        [.. Regex.Matches(output, @"tokens, prompt (\d+) tokens").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];

    [Fact]
    public async Task Chat_keeps_the_history_across_turns_and_reset_forgets_it()
    {
        using var dir = new TempDirectory();
        TinyTokenizer.CopyFixtureWithTokenizer("deepseek_v3_bf16", dir.Path);

        var (rc, output) = await Chat("Hello\nAgain\n/reset\nHello\n/exit\nnever read\n",
            "--model", dir.Path, "--max-tokens", "4", "--temperature", "0", "--system", "Be brief.");

        Assert.Equal(0, rc);
        int[] prompts = PromptTokens(output);
        Assert.Equal(3, prompts.Length); // three turns answered; nothing after /exit
        // Turn 2 carries turn 1 (user, assistant reply) before the new message; after /reset the first prompt repeats.
        Assert.True(prompts[1] > prompts[0] + 4, string.Join(", ", prompts));
        Assert.Equal(prompts[0], prompts[2]);
        Assert.Contains("(history cleared)", output);
        Assert.Equal(3, Regex.Matches(output, "assistant>").Count);
    }

    [Fact]
    public async Task Chat_ends_at_the_end_of_input()
    {
        using var dir = new TempDirectory();
        TinyTokenizer.CopyFixtureWithTokenizer("deepseek_v3_bf16", dir.Path);
        var (rc, output) = await Chat("Hello\n", "--model", dir.Path, "--max-tokens", "2");
        Assert.Equal(0, rc);
        Assert.Single(PromptTokens(output));
    }

    [Fact]
    public async Task Chat_needs_a_chat_template()
    {
        using var dir = new TempDirectory();
        TinyTokenizer.CopyFixtureWithTokenizer("deepseek_v3_bf16", dir.Path, withChatTemplate: false);
        var (rc, output) = await Chat("Hello\n", "--model", dir.Path);
        Assert.Equal(1, rc);
        Assert.Contains("no chat template", output);
    }
}
