using DeepSeek.Cli.Commands;
using DeepSeek.Sdk.Backends.Cpu;

namespace DeepSeek.Sdk.Cli.Tests;

/// <summary>Values that are out of range are refused before anything is loaded or started, with exit 2 and one line
/// naming the option: a thread count that would end the process, sampling settings that turn the logits into NaN,
/// token counts that cannot be met.</summary>
public sealed class CommandLineLimitsTests
{
    private static async Task AssertRefused(string option, params string[] args)
    {
        var (rc, output, elapsed) = await CliRunner.Timed(args);
        Assert.Equal(ExitCodes.Usage, rc);
        string error = Assert.Single(output.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains(option, error);
        Assert.DoesNotContain("loaded", output);
        Assert.DoesNotContain("   at ", output);
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"{string.Join(' ', args)} took {elapsed}");
    }

    [Theory]
    [InlineData("generate", "Hello")]
    [InlineData("chat", null)]
    [InlineData("reason", "What is 2+2?")]
    [InlineData("bench", null)]
    [InlineData("eval-vision", null)]
    public async Task A_hundred_thousand_threads_are_refused_naming_the_option(string verb, string? argument)
    {
        await AssertRefused("--threads", argument is null ? [verb, "--threads", "100000"] : [verb, "--threads", "100000", argument]);
    }

    [Fact]
    public async Task The_janus_commands_refuse_a_hundred_thousand_threads_too()
    {
        string image = Path.Combine(CliRunner.Oracle("janus_f32"), "image.png");
        await AssertRefused("--threads", "describe", "--model", CliRunner.Oracle("janus_f32"), "--image", image, "--threads", "100000", "What is this?");
        await AssertRefused("--threads", "imagine", "--model", CliRunner.Oracle("janus_f32"), "--threads", "100000", "a cat");
    }

    [Fact]
    public async Task The_cap_is_the_sdks_and_a_count_within_it_runs()
    {
        await AssertRefused("--threads", "reason", "--threads", $"{CpuBackend.MaxThreadCount + 1}", "q");
        await AssertRefused("--threads", "reason", "--threads", "-1", "q");
        var (rc, _) = await CliRunner.Run("reason", "--threads", "2", "--max-tokens", "2", "What is 2+2?");
        Assert.Equal(0, rc);
    }

    [Fact]
    public async Task Eval_refuses_more_model_copies_than_the_cpu_backend_would_threads()
    {
        await AssertRefused("--parallel", "eval", "--parallel", "100000");
    }

    [Theory]
    [InlineData("--temperature", "Infinity")]
    [InlineData("--temperature", "NaN")]
    [InlineData("--temperature", "-1")]
    [InlineData("--top-p", "0")]
    [InlineData("--top-p", "1.5")]
    [InlineData("--top-p", "NaN")]
    [InlineData("--top-k", "-1")]
    [InlineData("--repetition-penalty", "Infinity")]
    [InlineData("--repetition-penalty", "0")]
    [InlineData("--max-tokens", "0")]
    [InlineData("--max-tokens", "-5")]
    [InlineData("--seed", "1e3")]
    [InlineData("--seed", "99999999999")]
    public async Task Generate_refuses_a_sampling_setting_out_of_range(string option, string value)
    {
        await AssertRefused(option, "generate", option, value, "Hello");
    }

    [Theory]
    [InlineData("--temperature", "Infinity")]
    [InlineData("--temperature", "-0.5")]
    [InlineData("--top-p", "0")]
    [InlineData("--top-k", "-3")]
    [InlineData("--max-tokens", "0")]
    [InlineData("--max-thinking-tokens", "-1")]
    public async Task Reason_refuses_a_sampling_setting_out_of_range(string option, string value)
    {
        await AssertRefused(option, "reason", option, value, "What is 2+2?");
    }

    [Fact]
    public async Task The_janus_commands_refuse_an_infinite_temperature()
    {
        string image = Path.Combine(CliRunner.Oracle("janus_f32"), "image.png");
        await AssertRefused("--temperature", "describe", "--model", CliRunner.Oracle("janus_f32"), "--image", image, "--temperature", "Infinity", "What is this?");
        await AssertRefused("--max-tokens", "describe", "--model", CliRunner.Oracle("janus_f32"), "--image", image, "--max-tokens", "0", "What is this?");
        await AssertRefused("--temperature", "imagine", "--model", CliRunner.Oracle("janus_f32"), "--temperature", "Infinity", "a cat");
        await AssertRefused("--cfg-weight", "imagine", "--model", CliRunner.Oracle("janus_f32"), "--cfg-weight", "NaN", "a cat");
    }

    [Fact]
    public async Task Bench_refuses_token_counts_whose_sum_overflows()
    {
        await AssertRefused("positions", "bench", "--preset", "tiny", "--prompt-tokens", "2147483647", "--warmup", "2147483647", "--tokens", "2");
        await AssertRefused("--bandwidth-mib", "bench", "--preset", "tiny", "--bandwidth-mib", "2000000000");
    }
}
