using System.Text.Json.Nodes;
using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Core.Tests.Checkpoints;

public class CheckpointValidatorTests
{
    [Theory]
    [MemberData(nameof(OracleFixtures.Cases), MemberType = typeof(OracleFixtures))]
    public void Every_fixture_checkpoint_matches_its_config_exactly(string caseName)
    {
        var config = ModelConfig.Load(OracleFixtures.Dir(caseName));
        using var checkpoint = Checkpoint.Open(OracleFixtures.Dir(caseName));
        CheckpointValidator.Validate(config, checkpoint);
        // Every expected tensor (none is optional in these fixtures) is present, so the counts agree too.
        int required = 0;
        foreach (var t in config.ExpectedTensors()) if (!t.IsOptional) required++;
        Assert.Equal(checkpoint.Names.Count, required);
    }

    [Fact]
    public void Edited_hidden_size_names_the_first_tensor_whose_shape_disagrees()
    {
        var config = EditConfig("llama3_f32", c => c["hidden_size"] = 96);
        using var checkpoint = Checkpoint.Open(OracleFixtures.Dir("llama3_f32"));
        var e = Assert.Throws<CheckpointMismatchException>(() => CheckpointValidator.Validate(config, checkpoint));
        Assert.Equal("model.embed_tokens.weight", e.TensorName);
        Assert.Equal(new Shape(272, 96), e.ExpectedShape);
        Assert.Equal(new Shape(272, 64), e.ActualShape);
        Assert.Contains("[272, 96]", e.Message);
        Assert.Contains("[272, 64]", e.Message);
    }

    [Fact]
    public void Edited_kv_lora_rank_is_caught_in_the_first_attention_block()
    {
        var config = EditConfig("deepseek_v3_f32", c => c["kv_lora_rank"] = 32);
        using var checkpoint = Checkpoint.Open(OracleFixtures.Dir("deepseek_v3_f32"));
        var e = Assert.Throws<CheckpointMismatchException>(() => CheckpointValidator.Validate(config, checkpoint));
        Assert.Equal("model.layers.0.self_attn.kv_a_proj_with_mqa.weight", e.TensorName);
        Assert.Equal(new Shape(40, 64), e.ExpectedShape);
    }

    [Fact]
    public void More_layers_than_stored_reports_the_missing_tensor()
    {
        var config = EditConfig("qwen2_f32", c => c["num_hidden_layers"] = 3);
        using var checkpoint = Checkpoint.Open(OracleFixtures.Dir("qwen2_f32"));
        var e = Assert.Throws<CheckpointMismatchException>(() => CheckpointValidator.Validate(config, checkpoint));
        Assert.Equal("model.layers.2.input_layernorm.weight", e.TensorName);
        Assert.Contains("missing", e.Message);
        Assert.Null(e.ActualShape);
    }

    [Fact]
    public void Fewer_experts_than_stored_reports_an_unexpected_tensor()
    {
        var config = EditConfig("deepseek_v2_f32", c => { c["n_routed_experts"] = 4; c["n_group"] = 1; });
        using var checkpoint = Checkpoint.Open(OracleFixtures.Dir("deepseek_v2_f32"));
        var e = Assert.Throws<CheckpointMismatchException>(() => CheckpointValidator.Validate(config, checkpoint));
        // The router is checked first and is [n_routed_experts, hidden].
        Assert.Equal("model.layers.1.mlp.gate.weight", e.TensorName);
        Assert.Equal(new Shape(4, 48), e.ExpectedShape);
    }

    [Fact]
    public void Unquantized_config_over_an_fp8_checkpoint_reports_the_scales_as_unexpected()
    {
        var config = EditConfig("deepseek_v3_fp8", c => c.Remove("quantization_config"));
        using var checkpoint = Checkpoint.Open(OracleFixtures.Dir("deepseek_v3_fp8"));
        var e = Assert.Throws<CheckpointMismatchException>(() => CheckpointValidator.Validate(config, checkpoint));
        Assert.Contains("unexpected", e.Message);
        Assert.EndsWith("_scale_inv", e.TensorName);
    }

    [Fact]
    public void Fp8_config_over_a_bf16_checkpoint_reports_the_dtype()
    {
        var fp8 = ModelConfig.Load(OracleFixtures.Dir("deepseek_v3_fp8"));
        using var checkpoint = Checkpoint.Open(OracleFixtures.Dir("deepseek_v3_bf16"));
        var e = Assert.Throws<CheckpointMismatchException>(() => CheckpointValidator.Validate(fp8, checkpoint));
        Assert.Equal("model.layers.0.self_attn.q_a_proj.weight", e.TensorName);
        Assert.Contains("F8_E4M3", e.Message);
    }

    [Fact]
    public void Multi_token_prediction_layers_are_allowed_extras_up_to_the_configured_count()
    {
        using var dir = new TempDirectory();
        using (var source = SafetensorsFile.Open(OracleFixtures.Model("deepseek_v3_f32")))
        {
            var tensors = new Dictionary<string, Tensor>();
            foreach (var info in source.Tensors) tensors.Add(info.Name, source.GetTensor(info.Name));
            // DeepSeek-V3 stores its MTP module as layer num_hidden_layers (61 of 61 in the release).
            tensors.Add("model.layers.3.eh_proj.weight", Tensor.Zeros(DType.F32, new Shape(64, 128)));
            tensors.Add("model.layers.3.enorm.weight", Tensor.Zeros(DType.F32, new Shape(64)));
            SafetensorsWriter.Write(dir.File("model.safetensors"), tensors);
        }
        using var checkpoint = Checkpoint.Open(dir.Path);
        var withMtp = EditConfig("deepseek_v3_f32", c => c["num_nextn_predict_layers"] = 1);
        CheckpointValidator.Validate(withMtp, checkpoint);

        var withoutMtp = ModelConfig.Load(OracleFixtures.Dir("deepseek_v3_f32"));
        var e = Assert.Throws<CheckpointMismatchException>(() => CheckpointValidator.Validate(withoutMtp, checkpoint));
        Assert.Equal("model.layers.3.eh_proj.weight", e.TensorName);
    }

    [Fact]
    public void Tied_lm_head_may_be_absent()
    {
        var config = (LlamaConfig)EditConfig("llama3_f32", c => c["tie_word_embeddings"] = true);
        Assert.Contains(config.ExpectedTensors(), t => t.Name == "lm_head.weight" && t.IsOptional);
        using var dir = new TempDirectory();
        using (var source = SafetensorsFile.Open(OracleFixtures.Model("llama3_f32")))
        {
            var tensors = new Dictionary<string, Tensor>();
            foreach (var info in source.Tensors)
                if (info.Name != "lm_head.weight") tensors.Add(info.Name, source.GetTensor(info.Name));
            SafetensorsWriter.Write(dir.File("model.safetensors"), tensors);
        }
        using var checkpoint = Checkpoint.Open(dir.Path);
        CheckpointValidator.Validate(config, checkpoint);
    }

    internal static ModelConfig EditConfig(string caseName, Action<JsonObject> edit)
    {
        string path = Path.Combine(OracleFixtures.Dir(caseName), "config.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        return ModelConfig.Parse(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()), path + " (edited)");
    }
}
