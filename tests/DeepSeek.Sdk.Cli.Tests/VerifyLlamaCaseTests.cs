using System.Text.Json.Nodes;

namespace DeepSeek.Sdk.Cli.Tests;

/// <summary><c>deepseek verify</c> on the R1-Distill architectures (Qwen2, Llama-3), dispatched through TextModels.</summary>
public class VerifyLlamaCaseTests
{
    [Theory]
    [InlineData("qwen2_f32")]
    [InlineData("llama3_f32")]
    [InlineData("llama3_bf16")]
    public async Task Verify_passes_prefill_cached_decode_and_greedy_checks_on_qwen2_and_llama_fixtures(string fixture)
    {
        var (rc, output) = await CliRunner.Run("verify", CliRunner.Oracle(fixture));
        Assert.Equal(0, rc);
        Assert.Contains("3/3 checks passed (100%)", output);
        Assert.Contains("12/12 exact", output);
    }

    [Fact]
    public async Task Verify_fails_the_logit_checks_when_a_reference_rope_setting_is_changed()
    {
        // Plain RoPE in place of llama3 scaling: the low-frequency dimensions rotate 8x faster, so every position
        // past the first disagrees with the reference logits (by ~3e-2 of their scale, 300x the tolerance). This
        // random model's greedy ids happen to survive, so the two logit checks are the ones that fail.
        string dir = CliRunner.CopyOfFixture("llama3_f32");
        string path = Path.Combine(dir, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        config.Remove("rope_scaling");
        File.WriteAllText(path, config.ToJsonString());

        var (rc, output) = await CliRunner.Run("verify", dir);
        Assert.Equal(1, rc);
        Assert.Contains("1/3 checks passed", output);
    }
}
