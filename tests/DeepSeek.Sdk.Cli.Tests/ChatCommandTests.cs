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
    public async Task A_turn_the_template_raises_on_is_reported_and_dropped_and_the_session_goes_on()
    {
        // R1-tiny's template, refusing one message as a template's raise_exception refuses a conversation it cannot
        // format ("roles must alternate"). Were the refused turn kept, every later turn would fail on it again.
        using var model = new CraftedModel();
        model.WithChatTemplate("{%- for message in messages %}{%- if message['content'] == 'boom' %}"
            + "{{- raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{%- endif %}{%- endfor %}" + model.ChatTemplate);

        var (rc, output) = await Chat("Hello\nboom\nHello\n/exit\n", "--model", model.Path, "--max-tokens", "4", "--temperature", "0");

        Assert.Equal(0, rc);
        Assert.Contains("error: ", output);
        Assert.Contains("Conversation roles must alternate", output);
        Assert.Contains("hint: the message was dropped", output);
        int[] prompts = PromptTokens(output);
        Assert.Equal(2, prompts.Length); // the first and the third turn were answered
        Assert.True(prompts[1] > prompts[0] + 4, string.Join(", ", prompts)); // the third carries the first, not "boom"
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task A_turn_longer_than_the_context_window_is_reported_and_dropped_and_the_session_goes_on()
    {
        using var model = new CraftedModel().EditConfig(c => c["max_position_embeddings"] = 48);
        string tooLong = string.Concat(Enumerable.Repeat("seven eight nine ", 12));

        var (rc, output) = await Chat($"{tooLong}\nHi\n/exit\n", "--model", model.Path, "--max-tokens", "4", "--temperature", "0");

        Assert.Equal(0, rc);
        Assert.Contains("context window holds 48 positions", output);
        Assert.Single(PromptTokens(output)); // "Hi" was answered, with the long turn gone from the history
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
