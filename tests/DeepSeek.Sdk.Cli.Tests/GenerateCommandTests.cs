using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Text;
using DeepSeek.Sdk.Text.Pipelines;
using DeepSeek.Sdk.Tokenization;

namespace DeepSeek.Sdk.Cli.Tests;

public sealed class GenerateCommandTests
{
    /// <summary>What the pipeline itself generates for the same folder and options (the CLI must print exactly this).</summary>
    private static async Task<TextGenerationResult> Expected(string directory, Func<TextGenerationPipeline, Task<TextGenerationResult>> run)
    {
        using var backend = new CpuBackend(1);
        using var model = TextModels.Load(directory, backend);
        using var pipeline = TextGenerationPipeline.FromDirectory(new ModelHost<ICausalLanguageModel>(model), directory);
        return await run(pipeline);
    }

    [Fact]
    public async Task Generate_streams_the_greedy_continuation_and_ends_with_token_counts_and_speed()
    {
        using var dir = new TempDirectory();
        TinyTokenizer.CopyFixtureWithTokenizer("deepseek_v3_bf16", dir.Path);
        var greedy = new GenerationOptions { MaxNewTokens = 12, Sampling = SamplingOptions.Greedy };
        var expected = await Expected(dir.Path, p => p.GenerateAsync("Hello world", greedy, TestContext.Current.CancellationToken));

        var (rc, output) = await CliRunner.Run("generate", "--model", dir.Path, "--max-tokens", "12", "--temperature", "0", "--threads", "1", "Hello world");

        Assert.Equal(0, rc);
        Assert.Contains("Hello world" + expected.Text, output);
        Assert.Contains($"12 tokens, prompt {expected.PromptTokens} tokens, first token ", output);
        Assert.Matches(@"\d+\.\d tokens/s, finish: max tokens", output);
        // The load summary the progress display leaves behind (the bar itself draws only on interactive terminals).
        Assert.Matches(@"loaded [^\n]+ on cpu: \d+ tensors, [\d.]+ KiB in \d+ ms", output);
    }

    [Fact]
    public async Task Generate_with_chat_formats_the_prompt_with_the_template_and_a_system_message()
    {
        using var dir = new TempDirectory();
        TinyTokenizer.CopyFixtureWithTokenizer("deepseek_v3_bf16", dir.Path);
        var options = new GenerationOptions { MaxNewTokens = 5, Sampling = new SamplingOptions { Temperature = 0.8f, TopK = 40, Seed = 11 } };
        var expected = await Expected(dir.Path, p => p.GenerateAsync([ChatTurn.System("Be brief."), ChatTurn.User("Hi")], options, TestContext.Current.CancellationToken));

        var (rc, output) = await CliRunner.Run("generate", "--model", dir.Path, "--chat", "--system", "Be brief.", "--max-tokens", "5",
            "--temperature", "0.8", "--top-k", "40", "--seed", "11", "Hi");

        Assert.Equal(0, rc);
        Assert.Contains(expected.Text, output);
        Assert.Contains($"5 tokens, prompt {expected.PromptTokens} tokens", output);
    }

    [Fact]
    public async Task Generate_stops_at_a_stop_string_given_on_the_command_line()
    {
        using var dir = new TempDirectory();
        TinyTokenizer.CopyFixtureWithTokenizer("deepseek_v3_bf16", dir.Path);
        var greedy = new GenerationOptions { MaxNewTokens = 12, Sampling = SamplingOptions.Greedy };
        var free = await Expected(dir.Path, p => p.GenerateAsync("Hello world", greedy, TestContext.Current.CancellationToken));
        string stop = free.Text.Substring(free.Text.Length / 2, 1);

        var (rc, output) = await CliRunner.Run("generate", "--model", dir.Path, "--max-tokens", "12", "--temperature", "0", "--stop", stop, "Hello world");

        Assert.Equal(0, rc);
        Assert.Contains("Hello world" + free.Text[..free.Text.IndexOf(stop, StringComparison.Ordinal)] + "\n", output);
        Assert.Contains("finish: stop string", output);
    }

    [Fact]
    public async Task Generate_on_a_folder_without_a_tokenizer_fails_before_loading_weights()
    {
        var (rc, output) = await CliRunner.Run("generate", "--model", CliRunner.Oracle("deepseek_v3_bf16"), "Hello");
        Assert.Equal(1, rc);
        Assert.Contains("tokenizer.json", output);
        Assert.DoesNotContain("loaded ", output);
    }

    [Fact]
    public async Task Generate_refuses_a_device_it_cannot_use_and_a_bad_option_value()
    {
        using var dir = new TempDirectory();
        TinyTokenizer.CopyFixtureWithTokenizer("deepseek_v3_bf16", dir.Path);
        var (rc, output) = await CliRunner.Run("generate", "--model", dir.Path, "--device", "cuda:0", "Hello");
        Assert.Equal(1, rc);
        Assert.Contains("cuda:0", output);

        (rc, output) = await CliRunner.Run("generate", "--model", dir.Path, "--top-p", "1.5", "Hello");
        Assert.Equal(2, rc);
        Assert.Contains("--top-p: SamplingOptions.TopP must be in (0, 1]", output);
    }
}
