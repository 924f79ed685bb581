using System.Text.Json.Nodes;

namespace DeepSeek.Sdk.Cli.Tests;

public class VerifyCommandTests
{
    private static readonly string Tokenizers = Path.Combine(CliRunner.Fixtures, "tokenizers");

    [Fact]
    public async Task Verify_reports_100_percent_on_the_tokenizers_case()
    {
        var (rc, output) = await CliRunner.Run("verify", CliRunner.Oracle("tokenizers"), "--tokenizers", Tokenizers);
        Assert.Equal(0, rc);
        Assert.Contains("9/9 checks passed (100%)", output);
    }

    [Fact]
    public async Task Verify_fails_when_a_reference_id_is_changed()
    {
        string dir = CliRunner.CopyOfFixture("tokenizers");
        string path = Path.Combine(dir, "encodings.json");
        var doc = JsonNode.Parse(File.ReadAllText(path))!;
        var ids = doc["encodings"]!["qwen3"]!["ids"]![3]!.AsArray();
        ids[0] = ids[0]!.GetValue<int>() + 1;
        File.WriteAllText(path, doc.ToJsonString());

        var (rc, output) = await CliRunner.Run("verify", dir, "--tokenizers", Tokenizers);
        Assert.Equal(1, rc);
        Assert.Contains("qwen3 encode", output);
        Assert.Contains("98/99", output);
    }

    [Fact]
    public async Task Verify_without_the_tokenizers_folder_is_an_error_not_a_pass()
    {
        var (rc, output) = await CliRunner.Run("verify", CliRunner.Oracle("tokenizers"));
        Assert.NotEqual(0, rc);
        Assert.Contains("--tokenizers", output);
    }

    [Fact]
    public async Task Verify_of_a_folder_no_verifier_handles_says_so_and_fails()
    {
        string empty = Directory.CreateTempSubdirectory("deepseek-empty-case").FullName;
        var (rc, output) = await CliRunner.Run("verify", empty);
        Assert.Equal(2, rc);
        Assert.Contains("No verifier handles", output);
    }
}

public class VerifyModelCaseTests
{
    [Theory]
    [InlineData("deepseek_v3_f32")]
    [InlineData("deepseek_v3_bf16")]
    [InlineData("deepseek_v3_fp8")]
    [InlineData("deepseek_v2_f32")]
    [InlineData("deepseek_v3_fp8_alt_32x16")]
    [InlineData("deepseek_v3_fp8_public_48x32")]
    [InlineData("deepseek_v3_fp8_public_40x20")]
    [InlineData("deepseek_v3_fp8_public_128x128")]
    public async Task Verify_passes_prefill_cached_decode_and_greedy_checks_on_deepseek_fixtures(string fixture)
    {
        var (rc, output) = await CliRunner.Run("verify", CliRunner.Oracle(fixture));
        Assert.Equal(0, rc);
        Assert.Contains("3/3 checks passed (100%)", output);
    }

    [Fact]
    public async Task Verify_fails_when_the_reference_greedy_ids_are_changed()
    {
        string dir = CliRunner.CopyOfFixture("deepseek_v3_f32");
        string path = Path.Combine(dir, "case.json");
        var doc = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        var ids = doc["greedy_new_ids"]!.AsArray();
        ids[2] = (ids[2]!.GetValue<int>() + 1) % 320;
        File.WriteAllText(path, doc.ToJsonString());

        var (rc, output) = await CliRunner.Run("verify", dir);
        Assert.Equal(1, rc);
        Assert.Contains("2/12 exact", output);
    }
}
