using System.Text.Json.Nodes;
using DeepSeek.Cli.Commands;
using DeepSeek.Sdk.Hosting;
using DeepSeek.Sdk.Models.Shapes;

namespace DeepSeek.Sdk.Cli.Tests;

/// <summary><c>deepseek eval-vision</c> on the shipped janus-pro-tiny, with a few scenes per suite (the 500-scene runs
/// and their results are in docs/models.md).</summary>
public sealed class EvalVisionCommandTests
{
    [Fact]
    public async Task Json_reports_both_suites_on_test_scenes_with_an_unused_seed_by_default()
    {
        const int count = 4;
        var (rc, output) = await CliRunner.Run("eval-vision", "--count", $"{count}", "--device", "cpu", "--threads", "2", "--json");

        Assert.Equal(0, rc);
        var run = JsonNode.Parse(output)!;
        Assert.EndsWith(DefaultModels.JanusTiny, run["model"]!.GetValue<string>());
        Assert.Equal("test", run["split"]!.GetValue<string>());
        Assert.Equal(EvalVisionCommand.DefaultSeed, run["seed"]!.GetValue<long>());
        var understanding = run["understanding"]!;
        Assert.Equal(count, understanding["scenes"]!.GetValue<int>());
        Assert.InRange(understanding["distinctTuples"]!.GetValue<int>(), 1, count);
        // Colour, background and position score 99-100% over 500 scenes (docs/models.md); four scenes are all right.
        Assert.Equal(1.0, understanding["colour"]!.GetValue<double>());
        Assert.Equal(1.0, understanding["background"]!.GetValue<double>());
        Assert.Equal(1.0, understanding["position"]!.GetValue<double>());
        var generation = run["generation"]!;
        Assert.Equal(count, generation["prompts"]!.GetValue<int>());
        Assert.Equal(EvalVisionCommand.DefaultCfgWeight, generation["cfgWeight"]!.GetValue<float>());
        int misses = generation["failures"]!.AsArray().Count;
        Assert.Equal(1.0 - (double)misses / count, generation["all"]!.GetValue<double>(), 1e-4);
    }

    [Theory]
    [InlineData("test", ShapeSplit.Test)]
    [InlineData("Validation", ShapeSplit.Validation)]
    [InlineData(" train ", ShapeSplit.Train)]
    public void Splits_are_named_test_validation_or_train(string name, ShapeSplit split) =>
        Assert.Equal(split, EvalVisionCommand.ParseSplit(name));

    [Theory]
    [InlineData("--suites", "understanding,drawing", "'drawing' is not a suite")]
    [InlineData("--split", "held-out", "--split is test, validation or train")]
    [InlineData("--count", "0", "--count")]
    public async Task Bad_arguments_are_refused_before_any_model_is_loaded(string option, string value, string message)
    {
        var (rc, output) = await CliRunner.Run("eval-vision", option, value);
        Assert.Equal(2, rc);
        Assert.Contains(message, output);
    }
}
