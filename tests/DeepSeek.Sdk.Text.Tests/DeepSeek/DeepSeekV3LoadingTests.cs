using System.Text.Json.Nodes;
using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Tensors;
using DeepSeek.Sdk.Text.DeepSeek;

namespace DeepSeek.Sdk.Text.Tests.DeepSeek;

public sealed class DeepSeekV3LoadingTests
{
    [Fact]
    public void A_checkpoint_whose_shapes_disagree_with_its_config_names_the_tensor()
    {
        using var directory = new TempDirectory();
        string source = OracleCase.PathOf("deepseek_v3_f32");
        File.Copy(Path.Combine(source, "model.safetensors"), directory.File("model.safetensors"));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "config.json")))!;
        config["kv_lora_rank"] = 12;
        File.WriteAllText(directory.File("config.json"), config.ToJsonString());
        using var backend = new CpuBackend(1);

        var error = Assert.Throws<CheckpointMismatchException>(() => DeepSeekV3Model.Load(directory.Path, backend));

        Assert.Equal("model.layers.0.self_attn.kv_a_proj_with_mqa.weight", error.TensorName);
        Assert.Equal(new Shape(12 + 8, 64), error.ExpectedShape);
        Assert.Equal(new Shape(16 + 8, 64), error.ActualShape);
    }

    [Fact]
    public void A_feed_forward_activation_other_than_silu_is_refused_naming_the_field()
    {
        using var directory = new TempDirectory();
        string source = OracleCase.PathOf("deepseek_v2_f32");
        File.Copy(Path.Combine(source, "model.safetensors"), directory.File("model.safetensors"));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "config.json")))!;
        config["hidden_act"] = "gelu";
        File.WriteAllText(directory.File("config.json"), config.ToJsonString());
        using var backend = new CpuBackend(1);

        var error = Assert.Throws<ConfigException>(() => DeepSeekV3Model.Load(directory.Path, backend));

        Assert.Equal("hidden_act", error.Field);
    }

    [Fact]
    public void Multi_token_prediction_layers_are_recognized_logged_and_left_out_of_the_stack()
    {
        var oracle = OracleCase.Load("deepseek_v3_f32");
        using var directory = new TempDirectory();
        // An MTP module stored as layer 3 (= num_hidden_layers), as DeepSeek-V3 stores its one as layer 61.
        using (var file = SafetensorsFile.Open(Path.Combine(oracle.Directory, "model.safetensors")))
        {
            var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var info in file.Tensors)
            {
                tensors[info.Name] = file.GetTensor(info.Name);
                if (info.Name.StartsWith("model.layers.2.", StringComparison.Ordinal))
                    tensors["model.layers.3." + info.Name["model.layers.2.".Length..]] = file.GetTensor(info.Name);
            }
            SafetensorsWriter.Write(directory.File("model.safetensors"), tensors);
        }
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(oracle.Directory, "config.json")))!;
        config["num_nextn_predict_layers"] = 1;
        File.WriteAllText(directory.File("config.json"), config.ToJsonString());
        using var backend = new CpuBackend(1);
        var logger = new ListLogger();

        using var model = DeepSeekV3Model.Load(directory.Path, backend, logger);
        using var cache = model.CreateCache(oracle.PromptIds.Length);
        var logits = new float[oracle.Vocab];
        model.Forward(oracle.PromptIds, cache, logits, TestContext.Current.CancellationToken);

        Assert.Equal(3, model.Layers.Count);
        Assert.NotEmpty(model.MultiTokenPredictionTensors);
        Assert.All(model.MultiTokenPredictionTensors, n => Assert.StartsWith("model.layers.3.", n, StringComparison.Ordinal));
        Assert.Contains("model.layers.3.self_attn.kv_b_proj.weight", model.MultiTokenPredictionTensors);
        Assert.Contains(logger.Messages, m => m.Contains("multi-token-prediction", StringComparison.Ordinal) && m.Contains("model.layers.3..", StringComparison.Ordinal));
        int last = oracle.PromptIds.Length - 1;
        double error = LogitComparison.RelativeError(logits, oracle.PrefillLogits.AsSpan(last * oracle.Vocab, oracle.Vocab));
        Assert.True(error < 1e-4, $"relative error {error:E3}"); // same bound as DeepSeekV3ModelTests
    }
}
