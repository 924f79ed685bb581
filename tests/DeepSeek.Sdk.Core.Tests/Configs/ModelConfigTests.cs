using System.Text;
using System.Text.Json.Nodes;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Core.Tests.Checkpoints;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Core.Tests.Configs;

public class ModelConfigTests
{
    [Theory]
    [InlineData("deepseek_v3_f32")]
    [InlineData("deepseek_v3_bf16")]
    public void DeepSeek_v3_fixture_reads_every_mla_moe_and_yarn_field(string caseName)
    {
        var c = Assert.IsType<DeepSeekV3Config>(ModelConfig.Load(OracleFixtures.Dir(caseName)));
        Assert.Equal("deepseek_v3", c.ModelType);
        Assert.Equal((320, 64, 128, 32, 3, 4, 4), (c.VocabSize, c.HiddenSize, c.IntermediateSize, c.MoeIntermediateSize, c.NumHiddenLayers, c.NumAttentionHeads, c.NumKeyValueHeads));
        Assert.Equal((24, 16, 16, 8, 16, 24), (c.QLoraRank, c.KvLoraRank, c.QkNopeHeadDim, c.QkRopeHeadDim, c.VHeadDim, c.QkHeadDim));
        Assert.Equal((8, 1, 2, 4, 2), (c.NRoutedExperts, c.NSharedExperts, c.NumExpertsPerTok, c.NGroup, c.TopkGroup));
        Assert.Equal(("noaux_tc", "sigmoid", true, 2.5), (c.TopkMethod, c.ScoringFunc, c.NormTopkProb, c.RoutedScalingFactor));
        Assert.Equal((1, 1, 0), (c.FirstKDenseReplace, c.MoeLayerFreq, c.NumNextnPredictLayers));
        Assert.False(c.IsMoeLayer(0));
        Assert.True(c.IsMoeLayer(1));
        Assert.Equal((1e-6, 10000.0, 512), (c.RmsNormEps, c.RopeTheta, c.MaxPositionEmbeddings));
        Assert.Equal(new RopeScaling { Type = RopeType.Yarn, Factor = 4, OriginalMaxPositionEmbeddings = 128, BetaFast = 32, BetaSlow = 1, Mscale = 1, MscaleAllDim = 1 }, c.RopeScaling);
        Assert.False(c.TieWordEmbeddings);
        Assert.False(c.AttentionBias);
        Assert.Equal(0, c.BosTokenId);
        Assert.Equal([1], c.EosTokenIds);
        Assert.Null(c.Quantization);
    }

    [Fact]
    public void DeepSeek_v3_fp8_fixture_reads_its_quantization_config()
    {
        var c = Assert.IsType<DeepSeekV3Config>(ModelConfig.Load(OracleFixtures.Dir("deepseek_v3_fp8")));
        Assert.NotNull(c.Quantization);
        Assert.Equal(("fp8", "e4m3", "dynamic", 16, 16),
            (c.Quantization.QuantMethod, c.Quantization.Fmt, c.Quantization.ActivationScheme, c.Quantization.WeightBlockRows, c.Quantization.WeightBlockCols));
    }

    [Fact]
    public void DeepSeek_v2_fixture_has_no_q_lora_and_softmax_greedy_routing()
    {
        var c = Assert.IsType<DeepSeekV3Config>(ModelConfig.Load(Path.Combine(OracleFixtures.Dir("deepseek_v2_f32"), "config.json")));
        Assert.Equal("deepseek_v2", c.ModelType);
        Assert.Null(c.QLoraRank);
        Assert.Equal((300, 48, 96, 24, 3, 3), (c.VocabSize, c.HiddenSize, c.IntermediateSize, c.MoeIntermediateSize, c.NumHiddenLayers, c.NumAttentionHeads));
        Assert.Equal((16, 16, 8, 16), (c.KvLoraRank, c.QkNopeHeadDim, c.QkRopeHeadDim, c.VHeadDim));
        Assert.Equal((6, 2, 2, 1, 1), (c.NRoutedExperts, c.NSharedExperts, c.NumExpertsPerTok, c.NGroup, c.TopkGroup));
        Assert.Equal(("greedy", "softmax", false, 1.0), (c.TopkMethod, c.ScoringFunc, c.NormTopkProb, c.RoutedScalingFactor));
        Assert.Equal(RopeType.Default, c.RopeScaling.Type);
        Assert.Equal(256, c.MaxPositionEmbeddings);
    }

    [Fact]
    public void Qwen2_fixture_reads_gqa_and_sliding_window_fields()
    {
        var c = Assert.IsType<Qwen2Config>(ModelConfig.Load(OracleFixtures.Dir("qwen2_f32")));
        Assert.Equal((288, 64, 160, 2, 4, 2, 16), (c.VocabSize, c.HiddenSize, c.IntermediateSize, c.NumHiddenLayers, c.NumAttentionHeads, c.NumKeyValueHeads, c.HeadDim));
        Assert.Equal((false, 4096, 2), (c.UseSlidingWindow, c.SlidingWindow, c.MaxWindowLayers));
        Assert.Equal((1e-6, 10000.0, 512, false), (c.RmsNormEps, c.RopeTheta, c.MaxPositionEmbeddings, c.TieWordEmbeddings));
        Assert.Equal(RopeType.Default, c.RopeScaling.Type);
    }

    [Theory]
    [InlineData("llama3_f32", 272, 2)]
    [InlineData("llama3_bf16", 280, 3)]
    public void Llama3_fixtures_read_gqa_and_llama3_rope_scaling(string caseName, int vocab, int layers)
    {
        var c = Assert.IsType<LlamaConfig>(ModelConfig.Load(OracleFixtures.Dir(caseName)));
        Assert.Equal((vocab, 64, 128, layers, 8, 2, 8), (c.VocabSize, c.HiddenSize, c.IntermediateSize, c.NumHiddenLayers, c.NumAttentionHeads, c.NumKeyValueHeads, c.HeadDim));
        Assert.Equal((500000.0, 1e-5, 1024), (c.RopeTheta, c.RmsNormEps, c.MaxPositionEmbeddings));
        Assert.Equal(new RopeScaling { Type = RopeType.Llama3, Factor = 8, LowFreqFactor = 1, HighFreqFactor = 4, OriginalMaxPositionEmbeddings = 64 }, c.RopeScaling);
        Assert.False(c.AttentionBias);
        Assert.False(c.MlpBias);
    }

    [Fact]
    public void Janus_fixture_reads_its_text_vision_and_vq_sub_configs()
    {
        var c = Assert.IsType<JanusConfig>(ModelConfig.Load(OracleFixtures.Dir("janus_f32")));
        Assert.Equal((299, true), (c.ImageTokenId, c.TieWordEmbeddings));
        var t = c.Text;
        Assert.Equal((300, 64, 128, 2, 4, 4, 16, 256), (t.VocabSize, t.HiddenSize, t.IntermediateSize, t.NumHiddenLayers, t.NumAttentionHeads, t.NumKeyValueHeads, t.HeadDim, t.MaxPositionEmbeddings));
        Assert.Equal((10000.0, RopeType.Default, 2), (t.RopeTheta, t.RopeScaling.Type, t.PadTokenId));
        Assert.False(t.TieWordEmbeddings);
        var v = c.Vision;
        Assert.Equal((32, 2, 4, 3, 8, 32, 16, 64, 2), (v.HiddenSize, v.NumHiddenLayers, v.NumAttentionHeads, v.NumChannels, v.PatchSize, v.ImageSize, v.NumImageTokens, v.ProjectionDim, v.Depth));
        Assert.Equal((4.0, true, false, "gelu", 1e-6), (v.MlpRatio, v.AttentionBias, v.UseQkNorm, v.HiddenAct, v.LayerNormEps));
        var q = c.Vq;
        Assert.Equal((8, 64, 32, 32, 1, 64, 64, 2, 4), (q.EmbedDim, q.NumEmbeddings, q.LatentChannels, q.BaseChannels, q.NumResBlocks, q.ProjectionDim, q.ImageTokenEmbedDim, q.NumHiddenLayers, q.NumPatches));
        Assert.Equal([1, 1, 2, 2], q.ChannelMultiplier);
        Assert.False(q.DoubleLatent);
    }

    [Fact]
    public void Rope_parameters_spelling_carries_theta_and_type()
    {
        var c = (LlamaConfig)Parse(Llama(j =>
        {
            j.Remove("rope_theta");
            j.Remove("rope_scaling");
            j["rope_parameters"] = new JsonObject { ["rope_type"] = "yarn", ["rope_theta"] = 1e6, ["factor"] = 2.0, ["beta_fast"] = 16, ["attention_factor"] = 1.25, ["truncate"] = false };
        }));
        Assert.Equal(1e6, c.RopeTheta);
        Assert.Equal(new RopeScaling { Type = RopeType.Yarn, Factor = 2, BetaFast = 16, AttentionFactor = 1.25, Truncate = false }, c.RopeScaling);
    }

    [Fact]
    public void Linear_rope_scaling_reads_with_the_legacy_type_key()
    {
        var c = (LlamaConfig)Parse(Llama(j => j["rope_scaling"] = new JsonObject { ["type"] = "linear", ["factor"] = 2.0 }));
        Assert.Equal(new RopeScaling { Type = RopeType.Linear, Factor = 2 }, c.RopeScaling);
    }

    [Fact]
    public void Eos_token_id_may_be_a_list()
    {
        var c = (LlamaConfig)Parse(Llama(j => j["eos_token_id"] = new JsonArray(1, 2, 3)));
        Assert.Equal([1, 2, 3], c.EosTokenIds);
    }

    [Fact]
    public void Explicit_head_dim_overrides_hidden_over_heads()
    {
        var c = (LlamaConfig)Parse(Llama(j => j["head_dim"] = 32));
        Assert.Equal(32, c.HeadDim);
        Assert.Contains(c.ExpectedTensors(), t => t.Name == "model.layers.0.self_attn.q_proj.weight" && t.Shape == new DeepSeek.Sdk.Tensors.Shape(256, 64));
    }

    [Fact]
    public void Unknown_model_type_lists_the_supported_ones()
    {
        var e = Assert.Throws<UnsupportedModelException>(() => Parse(Llama(j => j["model_type"] = "mistral")));
        Assert.Equal("mistral", e.ModelType);
        Assert.Equal("model_type", e.Field);
        foreach (string supported in new[] { "deepseek_v3", "deepseek_v2", "qwen2", "llama", "janus" })
            Assert.Contains(supported, e.Message);
    }

    [Theory]
    [InlineData("hidden_size")]
    [InlineData("vocab_size")]
    [InlineData("num_hidden_layers")]
    [InlineData("model_type")]
    public void Missing_required_field_is_named(string field)
    {
        var e = Assert.Throws<ConfigException>(() => Parse(Llama(j => j.Remove(field))));
        Assert.Equal(field, e.Field);
        Assert.Contains("is required", e.Message);
        Assert.Contains("test-config.json", e.Message);
    }

    [Theory]
    [InlineData("hidden_size", "\"64\"", "must be an integer")]
    [InlineData("hidden_size", "64.5", "must be an integer")]
    [InlineData("rms_norm_eps", "\"tiny\"", "must be a finite number")]
    [InlineData("tie_word_embeddings", "1", "must be true or false")]
    [InlineData("hidden_act", "7", "must be a string")]
    [InlineData("rope_scaling", "[1]", "must be a JSON object")]
    public void Wrong_json_type_is_named(string field, string rawValue, string message)
    {
        var e = Assert.Throws<ConfigException>(() => Parse(Llama(j => j[field] = JsonNode.Parse(rawValue))));
        Assert.Equal(field, e.Field);
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("num_key_value_heads", 3, "num_key_value_heads")]
    [InlineData("eos_token_id", 5000, "eos_token_id")]
    [InlineData("hidden_size", 0, "hidden_size")]
    public void Contradictory_or_out_of_range_values_are_refused(string field, int value, string named)
    {
        var e = Assert.Throws<ConfigException>(() => Parse(Llama(j => j[field] = value)));
        Assert.Equal(named, e.Field);
    }

    [Fact]
    public void Rope_type_and_legacy_type_that_disagree_are_refused()
    {
        var e = Assert.Throws<ConfigException>(() => Parse(Llama(j => ((JsonObject)j["rope_scaling"]!)["type"] = "yarn")));
        Assert.Equal("rope_scaling.type", e.Field);
    }

    [Fact]
    public void Unsupported_rope_type_is_refused()
    {
        var e = Assert.Throws<ConfigException>(() => Parse(Llama(j => ((JsonObject)j["rope_scaling"]!)["rope_type"] = "longrope")));
        Assert.Equal("rope_scaling.rope_type", e.Field);
        Assert.Contains("default, linear, llama3, yarn", e.Message);
    }

    [Fact]
    public void Llama3_rope_without_original_context_is_refused()
    {
        var e = Assert.Throws<ConfigException>(() => Parse(Llama(j => ((JsonObject)j["rope_scaling"]!).Remove("original_max_position_embeddings"))));
        Assert.Equal("rope_scaling.original_max_position_embeddings", e.Field);
    }

    [Fact]
    public void DeepSeek_routing_contradictions_are_refused()
    {
        Assert.Equal("topk_group", Assert.Throws<ConfigException>(() => DeepSeek(j => j["topk_group"] = 5)).Field);
        Assert.Equal("n_group", Assert.Throws<ConfigException>(() => DeepSeek(j => j["n_group"] = 3)).Field);
        Assert.Equal("num_experts_per_tok", Assert.Throws<ConfigException>(() => DeepSeek(j => j["num_experts_per_tok"] = 9)).Field);
        Assert.Equal("topk_method", Assert.Throws<ConfigException>(() => DeepSeek(j => j["topk_method"] = "random")).Field);
        Assert.Equal("scoring_func", Assert.Throws<ConfigException>(() => DeepSeek(j => j["scoring_func"] = "relu")).Field);
        Assert.Equal("kv_lora_rank", Assert.Throws<ConfigException>(() => DeepSeek(j => j.Remove("kv_lora_rank"))).Field);
    }

    [Fact]
    public void Quantization_config_is_checked_field_by_field()
    {
        var block = Assert.Throws<ConfigException>(() => DeepSeek(j => j["quantization_config"] = new JsonObject { ["quant_method"] = "fp8", ["weight_block_size"] = new JsonArray(128) }));
        Assert.Equal("quantization_config.weight_block_size", block.Field);
        var method = Assert.Throws<ConfigException>(() => DeepSeek(j => j["quantization_config"] = new JsonObject { ["quant_method"] = "gptq", ["weight_block_size"] = new JsonArray(128, 128) }));
        Assert.Equal("quantization_config.quant_method", method.Field);
    }

    [Fact]
    public void Janus_sub_config_errors_carry_their_path()
    {
        var e = Assert.Throws<ConfigException>(() => Janus(j => ((JsonObject)j["text_config"]!)["hidden_size"] = "wide"));
        Assert.Equal("text_config.hidden_size", e.Field);
        var tokens = Assert.Throws<ConfigException>(() => Janus(j => ((JsonObject)j["vision_config"]!)["num_image_tokens"] = 17));
        Assert.Equal("vision_config.num_image_tokens", tokens.Field);
        var projection = Assert.Throws<ConfigException>(() => Janus(j => ((JsonObject)j["vision_config"]!)["projection_dim"] = 48));
        Assert.Equal("vision_config.projection_dim", projection.Field);
        var image = Assert.Throws<ConfigException>(() => Janus(j => j["image_token_id"] = 300));
        Assert.Equal("image_token_id", image.Field);
    }

    [Fact]
    public void Invalid_json_and_missing_file_are_config_errors()
    {
        Assert.Contains("not valid JSON", Assert.Throws<ConfigException>(() => ModelConfig.Parse("{\"model_type\": "u8, "x.json")).Message);
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "config.json");
        Assert.Contains("not found", Assert.Throws<ConfigException>(() => ModelConfig.Load(missing)).Message);
    }

    [Fact]
    public void The_declared_16_bit_weight_type_is_read_from_the_first_dtype_field_present()
    {
        Assert.Equal(DType.BF16, Parse(Llama(j => j["torch_dtype"] = "bfloat16")).DeclaredDType);
        Assert.Equal(DType.F16, Parse(Llama(j => { j.Remove("torch_dtype"); j["dtype"] = "half"; })).DeclaredDType);
        // F32 (or auto) declares no 16-bit type, and torch_dtype wins over dtype.
        Assert.Null(Parse(Llama(j => { j["torch_dtype"] = "float32"; j["dtype"] = "bfloat16"; })).DeclaredDType);
        Assert.Null(Parse(Llama(j => j["torch_dtype"] = "auto")).DeclaredDType);
    }

    private static ModelConfig Parse(JsonObject json) =>
        ModelConfig.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()), "test-config.json");

    private static JsonObject Fixture(string caseName) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(OracleFixtures.Dir(caseName), "config.json")))!.AsObject();

    private static JsonObject Llama(Action<JsonObject> edit)
    {
        var json = Fixture("llama3_f32");
        edit(json);
        return json;
    }

    private static ModelConfig DeepSeek(Action<JsonObject> edit)
    {
        var json = Fixture("deepseek_v3_f32");
        edit(json);
        return Parse(json);
    }

    private static ModelConfig Janus(Action<JsonObject> edit)
    {
        var json = Fixture("janus_f32");
        edit(json);
        return Parse(json);
    }
}
