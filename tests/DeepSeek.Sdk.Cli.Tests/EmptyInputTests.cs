using DeepSeek.Cli.Commands;

namespace DeepSeek.Sdk.Cli.Tests;

/// <summary>An empty question is a user error (an unset shell variable, a missing argument): a reasoning model or
/// Janus would frame nothing with its template and answer something unrelated. An empty prompt to a completion model
/// is legitimate when the tokenizer adds BOS (an unconditional sample, as transformers' generate from BOS alone), and
/// refused when it would hold no token.</summary>
public sealed class EmptyInputTests
{
    private static async Task AssertRefused(string what, params string[] args)
    {
        var (rc, output, elapsed) = await CliRunner.Timed(args);
        Assert.Equal(ExitCodes.Usage, rc);
        Assert.Contains($"error: {what} is empty", output);
        Assert.DoesNotContain("loaded", output);
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"{elapsed}");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\t")]
    public async Task Reason_refuses_an_empty_or_blank_question(string question)
    {
        await AssertRefused("The question", "reason", "--max-tokens", "4", question);
    }

    [Fact]
    public async Task Describe_and_imagine_refuse_an_empty_question_or_prompt()
    {
        string image = Path.Combine(CliRunner.Oracle("janus_f32"), "image.png");
        await AssertRefused("The question", "describe", "--model", CliRunner.Oracle("janus_f32"), "--image", image, " ");
        await AssertRefused("The prompt", "imagine", "--model", CliRunner.Oracle("janus_f32"), "");
    }

    [Fact]
    public async Task Generate_refuses_an_empty_chat_message()
    {
        await AssertRefused("The --chat message", "generate", "--chat", "  ");
    }

    [Fact]
    public async Task Generate_refuses_an_empty_prompt_that_would_hold_no_token()
    {
        // deepseek-r1-tiny's tokenizer_config.json says add_bos_token: false.
        var (rc, output) = await CliRunner.Run("generate", "--max-tokens", "2", "");
        Assert.Equal(ExitCodes.Usage, rc);
        Assert.Contains("error: The prompt is empty and the tokenizer adds no BOS token", output);
        Assert.DoesNotContain("loaded", output);
    }

    [Fact]
    public async Task Generate_samples_from_bos_alone_when_the_tokenizer_adds_it()
    {
        using var model = new CraftedModel().EditTokenizerConfig(c => c["add_bos_token"] = true);
        var (rc, output) = await CliRunner.Run("generate", "--model", model.Path, "--max-tokens", "3", "--temperature", "0", "");
        Assert.Equal(0, rc);
        Assert.Contains("prompt 1 tokens", output);
    }
}
