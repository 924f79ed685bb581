using System.Text.Json.Nodes;
using DeepSeek.Cli.Commands;
using DeepSeek.Cli.Evaluation;
using DeepSeek.Sdk.Hosting;
using DeepSeek.Sdk.Models.Tasks;
using DeepSeek.Sdk.Reasoning;

namespace DeepSeek.Sdk.Cli.Tests;

/// <summary><c>deepseek eval</c> on the shipped deepseek-r1-tiny, with a handful of problems per suite (the full
/// 500-per-suite run and its results are in docs/models.md).</summary>
public sealed class EvalCommandTests
{
    [Fact]
    public async Task Json_scores_held_out_additions_and_multiplications_at_the_issues_bar()
    {
        const int count = 8;
        var (rc, output) = await CliRunner.Run("eval", "--tasks", "add3,mul2x2", "--count", $"{count}", "--parallel", "2", "--json");

        Assert.Equal(0, rc);
        var run = JsonNode.Parse(output)!;
        // The default seed is one no training or selection run used.
        Assert.Equal(EvalCommand.DefaultSeed, run["seed"]!.GetValue<long>());
        Assert.NotEqual(EvalCommand.TrainingRunSeed, EvalCommand.DefaultSeed);
        Assert.Equal("greedy", run["decoding"]!.GetValue<string>());
        Assert.EndsWith(DefaultModels.R1Tiny, run["model"]!.GetValue<string>());
        var suites = run["suites"]!.AsArray();
        Assert.Equal(["add_3digit", "mul_2x2"], suites.Select(s => s!["suite"]!.GetValue<string>()));
        foreach (var suite in suites)
        {
            Assert.Equal(count, suite!["problems"]!.GetValue<int>());
            Assert.Equal(count, suite["distinct"]!.GetValue<int>());
            Assert.Equal(count - suite["correct"]!.GetValue<int>(), suite["failures"]!.AsArray().Count);
            Assert.True(suite["traced"]!.GetValue<int>() >= suite["correct"]!.GetValue<int>());
            Assert.True(suite["generatedTokens"]!.GetValue<long>() > count * 10);
            Assert.True(suite["tokensPerSecond"]!.GetValue<double>() > 0);
        }
        // The issue's bar (95% and 80% on 500 problems); transformers scored 100% on both.
        Assert.True(suites[0]!["accuracy"]!.GetValue<double>() >= 0.95, output);
        Assert.True(suites[1]!["accuracy"]!.GetValue<double>() >= 0.80, output);
    }

    [Fact]
    public async Task The_table_has_a_row_per_suite_with_accuracy_trace_rate_speed_and_time()
    {
        var (rc, output) = await CliRunner.Run("eval", "--tasks", "compare,count", "--count", "3", "--seed", "7");

        Assert.Equal(0, rc);
        foreach (string column in new[] { "suite", "problems", "distinct", "accuracy", "traced", "tokens/s", "time" })
            Assert.Contains(column, output);
        Assert.Matches(@"compare \(comparison[^\n]*│\s+3 │\s+3 │\s+\d+\.\d% │\s+\d+\.\d% │\s+\d+ │\s+\d+\.\d s │", output);
        Assert.Matches(@"count \(letter counting\)\s+│\s+3 │\s+3 │", output);
        Assert.Contains("seed 7", output);
    }

    [Theory]
    [InlineData("--tasks", "add3,divide", "Unknown evaluation suite 'divide'")]
    [InlineData("--count", "0", "--count")]
    [InlineData("--parallel", "0", "--parallel")]
    public async Task Bad_arguments_are_refused_before_any_model_is_loaded(string option, string value, string message)
    {
        var (rc, output) = await CliRunner.Run("eval", option, value);
        Assert.Equal(2, rc);
        Assert.Contains(message, output);
    }

    [Fact]
    public async Task A_model_folder_that_does_not_exist_is_an_error_line()
    {
        var (rc, output) = await CliRunner.Run("eval", "--model", Path.Combine(Path.GetTempPath(), "no-such-model-" + Guid.NewGuid().ToString("N")), "--count", "1");
        Assert.Equal(1, rc);
        Assert.Contains("error:", output);
    }

    [Fact]
    public void Suites_are_parsed_in_the_order_given_each_once()
    {
        Assert.Equal(["mul_2x2", "add_3digit"], EvalCommand.ParseSuites("mul2x2, add3,mul_2x2").Select(s => s.Name));
        Assert.Equal(EvaluationSuites.All, EvalCommand.ParseSuites(null));
    }

    [Fact]
    public async Task A_problem_cut_off_before_its_trace_closes_is_neither_traced_nor_correct()
    {
        using var worker = EvaluationWorker.Open(DefaultModels.Resolve());
        var problem = EvaluationSuites.Multiplication2x2.Sample(EvalCommand.TrainingRunSeed, 1)[0];
        var greedy = new ReasoningOptions { Sampling = Sdk.Generation.SamplingOptions.Greedy };

        var cut = await worker.SolveAsync(problem, greedy with { MaxNewTokens = 20 }, TestContext.Current.CancellationToken);
        Assert.False(cut.Traced);
        Assert.False(cut.Correct);
        Assert.Equal(ReasoningFinishReason.MaxTokens, cut.Result.FinishReason);

        var whole = await worker.SolveAsync(problem, greedy with { MaxNewTokens = 400 }, TestContext.Current.CancellationToken);
        Assert.True(whole.Traced);
        Assert.True(whole.Correct, $"{problem.Question} expected {problem.Answer}, got {whole.Result.Answer}");
        Assert.Equal(problem.Trace, whole.Result.Reasoning);
    }
}
