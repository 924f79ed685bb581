using System.Text.Json.Nodes;

namespace DeepSeek.Sdk.Cli.Tests;

public class InspectCommandTests
{
    public static TheoryData<string> ModelFixtures() =>
        new(["deepseek_v3_f32", "deepseek_v3_bf16", "deepseek_v3_fp8", "deepseek_v2_f32", "qwen2_f32", "llama3_f32", "llama3_bf16", "janus_f32",
            "deepseek_v3_fp8_alt_32x16", "deepseek_v3_fp8_public_48x32", "deepseek_v3_fp8_public_40x20", "deepseek_v3_fp8_public_128x128"]);

    [Theory]
    [MemberData(nameof(ModelFixtures))]
    public async Task Inspect_describes_every_shipped_fixture_and_finds_config_and_weights_consistent(string fixture)
    {
        var (rc, output) = await CliRunner.Run("inspect", CliRunner.Oracle(fixture));
        Assert.Equal(0, rc);
        Assert.Contains("config matches weights", output);
        Assert.Contains("total", output);
        Assert.Contains("model.embed_tokens.weight", await AllTensors(fixture));
    }

    [Fact]
    public async Task Inspect_reports_fp8_quantization_and_active_parameters_of_an_moe_model()
    {
        var (_, output) = await CliRunner.Run("inspect", CliRunner.Oracle("deepseek_v3_fp8"));
        Assert.Contains("F8_E4M3", output);
        Assert.Contains("active parameters per token", output);
        Assert.Contains("fp8 e4m3", output);
        Assert.Contains("KV cache 288 B per token", output); // 3 layers x (16 latent + 8 rope) x 4 bytes
    }

    [Fact]
    public async Task Inspect_fails_naming_the_tensor_when_the_config_disagrees_with_the_weights()
    {
        string dir = CliRunner.CopyOfFixture("llama3_f32");
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json")))!;
        config["intermediate_size"] = config["intermediate_size"]!.GetValue<int>() + 8;
        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString());

        var (rc, output) = await CliRunner.Run("inspect", dir);
        Assert.Equal(1, rc);
        Assert.Contains("config does not match weights", output);
        Assert.Contains("mlp.", output);
    }

    [Fact]
    public async Task Inspect_names_a_tensor_whose_dtype_label_no_layer_reads_and_still_lists_the_tensors()
    {
        string dir = Directory.CreateTempSubdirectory("deepseek-relabelled").FullName;
        const string victim = "model.layers.1.self_attn.o_proj.weight";
        FixtureRewrite.Write("deepseek_v3_bf16", dir, (name, t) => [new(name, name == victim ? FixtureRewrite.Relabel(t, DeepSeek.Sdk.Tensors.DType.I16) : t)]);

        var (rc, output) = await CliRunner.Run("inspect", dir);

        Assert.Equal(1, rc);
        Assert.Contains("config does not match weights", output);
        Assert.Contains("dtype I16 is not one a layer accepts", output);
        Assert.Contains("model.embed_tokens.weight", output);
    }

    [Fact]
    public async Task Inspect_of_a_truncated_checkpoint_fails_with_the_file_name()
    {
        string dir = CliRunner.CopyOfFixture("qwen2_f32");
        string model = Path.Combine(dir, "model.safetensors");
        var bytes = File.ReadAllBytes(model);
        File.WriteAllBytes(model, bytes[..(bytes.Length / 2)]);

        var (rc, output) = await CliRunner.Run("inspect", dir);
        Assert.Equal(1, rc);
        Assert.Contains("model.safetensors", output);
    }

    private static async Task<string> AllTensors(string fixture) =>
        (await CliRunner.Run("inspect", CliRunner.Oracle(fixture), "--max-tensors", "-1")).Output;
}
