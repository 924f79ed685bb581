using System.Text.Json.Nodes;
using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Tensors;
using DeepSeek.Sdk.Text.Llama;
using DeepSeek.Sdk.Text.Tests.DeepSeek;

namespace DeepSeek.Sdk.Text.Tests.Llama;

public sealed class LlamaLoadingTests
{
    [Fact]
    public void A_checkpoint_whose_shapes_disagree_with_its_config_names_the_tensor()
    {
        // llama3_f32: hidden 64, 8 heads of 8, 2 kv heads. Claiming 4 kv heads makes k_proj [32, 64]; it is [16, 64].
        using var directory = CopyWithConfig("llama3_f32", config => config["num_key_value_heads"] = 4);
        using var backend = new CpuBackend(1);

        var error = Assert.Throws<CheckpointMismatchException>(() => LlamaModel.Load(directory.Path, backend));

        Assert.Equal("model.layers.0.self_attn.k_proj.weight", error.TensorName);
        Assert.Equal(new Shape(32, 64), error.ExpectedShape);
        Assert.Equal(new Shape(16, 64), error.ActualShape);
    }

    [Fact]
    public void A_qwen2_checkpoint_without_its_query_bias_names_the_missing_tensor()
    {
        using var directory = new TempDirectory();
        string source = OracleCase.PathOf("qwen2_f32");
        File.Copy(Path.Combine(source, "config.json"), directory.File("config.json"));
        RewriteCheckpoint(source, directory.File("model.safetensors"), (name, tensor, into) =>
        {
            if (name != "model.layers.1.self_attn.q_proj.bias") into[name] = tensor;
        });
        using var backend = new CpuBackend(1);

        var error = Assert.Throws<CheckpointMismatchException>(() => LlamaModel.Load(directory.Path, backend));

        Assert.Equal("model.layers.1.self_attn.q_proj.bias", error.TensorName);
        Assert.Equal(new Shape(64), error.ExpectedShape);
    }

    [Fact]
    public void Tied_embeddings_use_embed_tokens_as_lm_head()
    {
        // The same weights twice: once tied without lm_head, once untied with lm_head := embed_tokens.
        string source = OracleCase.PathOf("llama3_f32");
        using var tied = CopyWithConfig("llama3_f32", config => config["tie_word_embeddings"] = true, (name, tensor, into) =>
        {
            if (name != "lm_head.weight") into[name] = tensor;
        });
        using var untied = CopyWithConfig("llama3_f32", _ => { }, (name, tensor, into) =>
        {
            if (name == "lm_head.weight") return;
            into[name] = tensor;
            if (name == "model.embed_tokens.weight") into["lm_head.weight"] = tensor;
        });
        var oracle = OracleCase.Load("llama3_f32");
        using var backend = new CpuBackend(1);
        using var tiedModel = LlamaModel.Load(tied.Path, backend);
        using var untiedModel = LlamaModel.Load(untied.Path, backend);
        var ct = TestContext.Current.CancellationToken;
        var expected = new float[oracle.Vocab];
        var actual = new float[oracle.Vocab];
        using (var cache = untiedModel.CreateCache(16)) untiedModel.Forward(oracle.PromptIds, cache, expected, ct);
        using (var cache = tiedModel.CreateCache(16)) tiedModel.Forward(oracle.PromptIds, cache, actual, ct);

        Assert.True(tiedModel.Layout.TieWordEmbeddings);
        Assert.Same(tiedModel.EmbedTokens, tiedModel.LmHead.Weight);
        Assert.Equal(expected, actual);
        // And the untied model really reads its lm_head: the fixture's own lm_head gives other logits.
        var fixture = new float[oracle.Vocab];
        using var fixtureModel = LlamaModel.Load(source, backend);
        using (var cache = fixtureModel.CreateCache(16)) fixtureModel.Forward(oracle.PromptIds, cache, fixture, ct);
        Assert.NotEqual(expected, fixture);
    }

    [Fact]
    public void Tied_embeddings_ignore_a_stored_lm_head_as_transformers_does()
    {
        using var tiedWithHead = CopyWithConfig("llama3_f32", config => config["tie_word_embeddings"] = true);
        using var backend = new CpuBackend(1);
        using var model = LlamaModel.Load(tiedWithHead.Path, backend);

        Assert.Same(model.EmbedTokens, model.LmHead.Weight);
    }

    [Fact]
    public void A_feed_forward_activation_other_than_silu_is_refused_naming_the_field()
    {
        using var directory = CopyWithConfig("qwen2_f32", config => config["hidden_act"] = "gelu");
        using var backend = new CpuBackend(1);

        var error = Assert.Throws<ConfigException>(() => LlamaModel.Load(directory.Path, backend));

        Assert.Equal("hidden_act", error.Field);
    }

    [Fact]
    public void Qwen2_sliding_window_attention_is_refused_where_a_layer_would_use_it_and_accepted_where_none_does()
    {
        using var sliding = CopyWithConfig("qwen2_f32", config =>
        {
            config["use_sliding_window"] = true;
            config["max_window_layers"] = 1;
        });
        using var noLayerSlides = CopyWithConfig("qwen2_f32", config =>
        {
            config["use_sliding_window"] = true;
            config["max_window_layers"] = 2;
        });
        using var backend = new CpuBackend(1);

        var error = Assert.Throws<ConfigException>(() => LlamaModel.Load(sliding.Path, backend));
        using var model = LlamaModel.Load(noLayerSlides.Path, backend);

        Assert.Equal("use_sliding_window", error.Field);
        Assert.Equal(2, model.Layers.Count);
    }

    [Theory]
    [InlineData("qwen2_f32", "qwen2")]
    [InlineData("llama3_f32", "llama")]
    public void TextModels_loads_qwen2_and_llama_checkpoints_as_llama_family_models(string name, string modelType)
    {
        using var backend = new CpuBackend(1);

        using var model = TextModels.Load(OracleCase.PathOf(name), backend);

        var llama = Assert.IsType<LlamaModel>(model);
        Assert.Equal(modelType, llama.Config.ModelType);
        Assert.Contains(modelType, TextModels.SupportedModelTypes);
    }

    [Fact]
    public void A_deepseek_checkpoint_is_not_taken_for_a_llama_one()
    {
        using var backend = new CpuBackend(1);

        var error = Assert.Throws<UnsupportedModelException>(() => LlamaModel.Load(OracleCase.PathOf("deepseek_v3_f32"), backend));

        Assert.Contains("deepseek_v3", error.Message, StringComparison.Ordinal);
    }

    private sealed class SilentDecoder : ITokenTextDecoder
    {
        public string Push(int tokenId) => "";

        public string Flush() => "";
    }

    [Theory]
    [InlineData("qwen2_f32")]
    [InlineData("llama3_bf16")]
    public async Task The_generation_loop_driving_the_model_greedily_produces_the_reference_continuation(string name)
    {
        var oracle = OracleCase.Load(name);
        using var backend = new CpuBackend(2);
        using var model = LlamaModel.Load(oracle.Directory, backend);
        var options = new GenerationOptions { MaxNewTokens = oracle.GreedyNewIds.Length, Sampling = SamplingOptions.Greedy };
        var ids = new List<int>();

        await foreach (var update in TokenGenerator.GenerateAsync(model, oracle.PromptIds, options, new SilentDecoder(), TestContext.Current.CancellationToken))
            if (update.TokenId != GenerationUpdate.NoToken) ids.Add(update.TokenId);

        Assert.Equal(oracle.GreedyNewIds, ids);
    }

    private static TempDirectory CopyWithConfig(string fixture, Action<JsonNode> edit, Action<string, Tensor, Dictionary<string, Tensor>>? rewrite = null)
    {
        var directory = new TempDirectory();
        string source = OracleCase.PathOf(fixture);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "config.json")))!;
        edit(config);
        File.WriteAllText(directory.File("config.json"), config.ToJsonString());
        if (rewrite is null) File.Copy(Path.Combine(source, "model.safetensors"), directory.File("model.safetensors"));
        else RewriteCheckpoint(source, directory.File("model.safetensors"), rewrite);
        return directory;
    }

    private static void RewriteCheckpoint(string source, string target, Action<string, Tensor, Dictionary<string, Tensor>> rewrite)
    {
        using var file = SafetensorsFile.Open(Path.Combine(source, "model.safetensors"));
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var info in file.Tensors) rewrite(info.Name, file.GetTensor(info.Name), tensors);
        SafetensorsWriter.Write(target, tensors);
    }
}
