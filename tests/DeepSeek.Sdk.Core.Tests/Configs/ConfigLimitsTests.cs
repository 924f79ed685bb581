using System.Text;
using System.Text.Json.Nodes;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Core.Tests.Checkpoints;

namespace DeepSeek.Sdk.Core.Tests.Configs;

/// <summary>Issue 15's config.json probes: every size is bounded by a <see cref="ConfigLimits"/> option and every
/// product of sizes is computed without overflow, so a crafted config answers with one line naming the file, the field
/// and the option, in bounded time and memory, before anything is built from it.</summary>
public sealed class ConfigLimitsTests
{
    [Theory]
    [InlineData("max_position_embeddings", 2000000000, "MaxPositionEmbeddings")]
    [InlineData("max_position_embeddings", 100000000, "MaxPositionEmbeddings")]
    [InlineData("num_hidden_layers", int.MaxValue, "MaxLayers")]
    [InlineData("num_hidden_layers", 1000000, "MaxLayers")]
    [InlineData("num_attention_heads", 1 << 26, "MaxHeads")]
    [InlineData("num_key_value_heads", 1 << 26, "MaxHeads")]
    [InlineData("vocab_size", int.MaxValue, "MaxVocabularySize")]
    [InlineData("hidden_size", 1 << 30, "MaxHiddenSize")]
    [InlineData("intermediate_size", int.MaxValue, "MaxIntermediateSize")]
    [InlineData("head_dim", 1 << 20, "MaxHeadDim")]
    public void A_size_above_its_limit_names_the_field_and_the_option(string field, int value, string option)
    {
        var e = BoundedProbe.Throws<ConfigException>(() => Parse(Llama(j => j[field] = value)));

        Assert.Equal(field, e.Field);
        Assert.Contains("test-config.json", e.Message);
        Assert.Contains($"(ConfigLimits.{option} = ", e.Message);
    }

    [Theory]
    [InlineData("n_routed_experts", 100000000, "MaxExperts")]
    [InlineData("n_shared_experts", 100000000, "MaxExperts")]
    [InlineData("kv_lora_rank", int.MaxValue, "MaxHiddenSize")]
    [InlineData("q_lora_rank", int.MaxValue, "MaxHiddenSize")]
    [InlineData("qk_nope_head_dim", int.MaxValue, "MaxHeadDim")]
    [InlineData("qk_rope_head_dim", int.MaxValue, "MaxHeadDim")]
    [InlineData("v_head_dim", int.MaxValue, "MaxHeadDim")]
    [InlineData("moe_intermediate_size", int.MaxValue, "MaxIntermediateSize")]
    [InlineData("n_group", int.MaxValue, "MaxExperts")]
    [InlineData("num_nextn_predict_layers", int.MaxValue, "MaxLayers")]
    public void A_deepseek_size_above_its_limit_names_the_field_and_the_option(string field, int value, string option)
    {
        var e = BoundedProbe.Throws<ConfigException>(() => DeepSeek(j => j[field] = value));

        Assert.Equal(field, e.Field);
        Assert.Contains($"(ConfigLimits.{option} = ", e.Message);
    }

    [Fact]
    public void Heads_times_head_dim_is_checked_as_a_product_not_left_to_overflow()
    {
        // 1024 heads of 1024 pass one by one; q_proj's 1048576 rows do not (and 2^26 heads of 64 overflowed int).
        var e = BoundedProbe.Throws<ConfigException>(() => Parse(Llama(j =>
        {
            j["num_attention_heads"] = 1024;
            j["num_key_value_heads"] = 1024;
            j["head_dim"] = 1024;
        })));

        Assert.Equal("num_attention_heads", e.Field);
        Assert.Contains("num_attention_heads × head_dim = 1048576", e.Message);
        Assert.Contains("(ConfigLimits.MaxIntermediateSize = 262144)", e.Message);
    }

    [Fact]
    public void Shared_experts_are_one_mlp_whose_width_is_a_bounded_product()
    {
        var e = BoundedProbe.Throws<ConfigException>(() => DeepSeek(j =>
        {
            j["moe_intermediate_size"] = 65536;
            j["n_shared_experts"] = 64;
        }));

        Assert.Equal("n_shared_experts", e.Field);
        Assert.Contains("moe_intermediate_size × n_shared_experts = 4194304", e.Message);
    }

    [Fact]
    public void Experts_times_layers_is_bounded_before_the_tensor_list_is_built()
    {
        // 4096 experts and 1024 layers are each within their limits; their 25 million expert tensors are not.
        var e = BoundedProbe.Throws<ConfigException>(() => DeepSeek(j =>
        {
            j["n_routed_experts"] = 4096;
            j["num_hidden_layers"] = 1024;
        }));

        Assert.Equal("n_routed_experts", e.Field);
        Assert.Contains("(ConfigLimits.MaxTensors = 1048576)", e.Message);
    }

    [Fact]
    public void The_tensor_list_itself_stops_at_MaxTensors()
    {
        // llama3_f32 has 21 tensors (2 layers of 9, the embedding, the final norm and lm_head).
        var limits = ConfigLimits.Default with { MaxTensors = 20 };
        var config = ModelConfig.Parse(Encoding.UTF8.GetBytes(Fixture("llama3_f32").ToJsonString()), "test-config.json", limits);

        var e = BoundedProbe.Throws<ConfigException>(() => config.ExpectedTensors());

        Assert.Contains("more than 20 tensors (ConfigLimits.MaxTensors = 20)", e.Message);
        Assert.Equal(limits, config.Limits);
    }

    [Fact]
    public void A_caller_who_trusts_a_config_raises_the_limit_it_names()
    {
        var json = Llama(j => j["max_position_embeddings"] = 100000000);
        Assert.Throws<ConfigException>(() => Parse(json));

        var limits = ConfigLimits.Default with { MaxPositionEmbeddings = 1 << 27 };
        var config = (LlamaConfig)ModelConfig.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()), "test-config.json", limits);

        Assert.Equal(100000000, config.MaxPositionEmbeddings);
    }

    [Theory]
    [InlineData("vocab_size", "0")]
    [InlineData("hidden_size", "-64")]
    [InlineData("num_hidden_layers", "0")]
    [InlineData("num_attention_heads", "-8")]
    [InlineData("max_position_embeddings", "-1")]
    [InlineData("intermediate_size", "0")]
    [InlineData("head_dim", "0")]
    public void Zero_and_negative_sizes_are_refused(string field, string raw)
    {
        var e = BoundedProbe.Throws<ConfigException>(() => Parse(Llama(j => j[field] = JsonNode.Parse(raw))));

        Assert.Equal(field, e.Field);
        Assert.Contains("must be positive", e.Message);
    }

    [Theory]
    [InlineData("max_position_embeddings", "1e8")]
    [InlineData("num_hidden_layers", "2.0")]
    [InlineData("vocab_size", "1e400")]
    [InlineData("hidden_size", "9223372036854775808")]
    public void A_size_written_as_a_float_or_beyond_int_is_not_an_integer(string field, string raw)
    {
        var e = BoundedProbe.Throws<ConfigException>(() => Parse(Llama(j => j[field] = JsonNode.Parse(raw))));

        Assert.Equal(field, e.Field);
        Assert.Contains("must be an integer", e.Message);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1e-50")]
    [InlineData("1.5")]
    [InlineData("-1e-6")]
    public void Rms_norm_eps_must_be_a_positive_float32_below_one(string raw)
    {
        var e = BoundedProbe.Throws<ConfigException>(() => Parse(Llama(j => j["rms_norm_eps"] = JsonNode.Parse(raw))));

        Assert.Equal("rms_norm_eps", e.Field);
    }

    [Fact]
    public void A_number_beyond_double_is_not_finite()
    {
        var e = BoundedProbe.Throws<ConfigException>(() => Parse(Llama(j => j["rope_theta"] = JsonNode.Parse("1e400"))));

        Assert.Equal("rope_theta", e.Field);
        Assert.Contains("must be a finite number", e.Message);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("0.5")]
    public void Rope_theta_must_exceed_one(string raw)
    {
        var e = BoundedProbe.Throws<ConfigException>(() => Parse(Llama(j => j["rope_theta"] = JsonNode.Parse(raw))));

        Assert.Equal("rope_theta", e.Field);
    }

    [Theory]
    [InlineData("factor", "0", "must be >= 1")]
    [InlineData("factor", "-4", "must be >= 1")]
    [InlineData("factor", "1e300", "exceeds max_position_embeddings")]
    [InlineData("original_max_position_embeddings", "2000000000", "(ConfigLimits.MaxPositionEmbeddings = ")]
    [InlineData("original_max_position_embeddings", "0", "must be positive")]
    [InlineData("low_freq_factor", "-1", "must exceed low_freq_factor > 0")]
    [InlineData("high_freq_factor", "1e-300", "must exceed low_freq_factor > 0")]
    public void Llama3_rope_scaling_fields_are_checked(string field, string raw, string message)
    {
        var e = BoundedProbe.Throws<ConfigException>(() => Parse(Llama(j => ((JsonObject)j["rope_scaling"]!)[field] = JsonNode.Parse(raw))));

        Assert.Equal(field == "low_freq_factor" ? "rope_scaling.high_freq_factor" : "rope_scaling." + field, e.Field);
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("mscale", "1e300", "rope_scaling.mscale")]
    [InlineData("mscale", "-100", "rope_scaling.mscale")]
    [InlineData("mscale_all_dim", "1e300", "rope_scaling.mscale")]
    [InlineData("attention_factor", "0", "rope_scaling.attention_factor")]
    [InlineData("attention_factor", "1e300", "rope_scaling.attention_factor")]
    [InlineData("beta_slow", "0", "rope_scaling.beta_fast")]
    [InlineData("beta_fast", "0.5", "rope_scaling.beta_fast")]
    public void Yarn_fields_that_would_make_attention_non_finite_are_refused(string field, string raw, string named)
    {
        var e = BoundedProbe.Throws<ConfigException>(() => DeepSeek(j => ((JsonObject)j["rope_scaling"]!)[field] = JsonNode.Parse(raw)));

        Assert.Equal(named, e.Field);
    }

    [Fact]
    public void Equal_yarn_betas_are_accepted_as_transformers_accepts_them()
    {
        var config = (DeepSeekV3Config)DeepSeek(j =>
        {
            var scaling = (JsonObject)j["rope_scaling"]!;
            scaling["beta_fast"] = 1.0;
            scaling["beta_slow"] = 1.0;
        });

        Assert.Equal((1.0, 1.0), (config.RopeScaling.BetaFast, config.RopeScaling.BetaSlow));
    }

    [Fact]
    public void Routed_scaling_factor_must_be_positive()
    {
        Assert.Equal("routed_scaling_factor", BoundedProbe.Throws<ConfigException>(() => DeepSeek(j => j["routed_scaling_factor"] = 0)).Field);
        Assert.Equal("routed_scaling_factor", BoundedProbe.Throws<ConfigException>(() => DeepSeek(j => j["routed_scaling_factor"] = 1e300)).Field);
    }

    [Theory]
    [InlineData("torch_dtype", "float13")]
    [InlineData("torch_dtype", "int4")]
    [InlineData("dtype", "complex64")]
    public void An_unknown_torch_dtype_is_refused(string field, string value)
    {
        var e = BoundedProbe.Throws<ConfigException>(() => Parse(Llama(j => j[field] = value)));

        Assert.Equal(field, e.Field);
        Assert.Contains("bfloat16", e.Message);
    }

    [Theory]
    [InlineData("bfloat16")]
    [InlineData("float32")]
    [InlineData("float16")]
    [InlineData("auto")]
    public void Torch_dtypes_transformers_writes_are_accepted(string value) =>
        Assert.IsType<LlamaConfig>(Parse(Llama(j => j["torch_dtype"] = value)));

    [Fact]
    public void Architectures_naming_only_another_head_is_an_unsupported_model()
    {
        var e = BoundedProbe.Throws<UnsupportedModelException>(() => Parse(Llama(j => j["architectures"] = new JsonArray("LlamaForSequenceClassification"))));

        Assert.Equal("architectures", e.Field);
        Assert.Equal("llama", e.ModelType);
        Assert.Contains("LlamaForSequenceClassification", e.Message);
        Assert.Contains("LlamaForCausalLM", e.Message);
    }

    [Fact]
    public void Architectures_must_be_a_list_of_names_and_may_be_absent()
    {
        Assert.Equal("architectures", BoundedProbe.Throws<ConfigException>(() => Parse(Llama(j => j["architectures"] = "LlamaForCausalLM"))).Field);
        Assert.Equal("architectures", BoundedProbe.Throws<ConfigException>(() => Parse(Llama(j => j["architectures"] = new JsonArray(7)))).Field);
        Assert.IsType<LlamaConfig>(Parse(Llama(j => j.Remove("architectures"))));
        Assert.IsType<LlamaConfig>(Parse(Llama(j => j["architectures"] = new JsonArray("LlamaForCausalLM", "SomethingElse"))));
    }

    [Fact]
    public void A_weight_block_size_near_int_max_gives_one_scale_tile_not_a_negative_shape()
    {
        var config = DeepSeek(j => j["quantization_config"] = new JsonObject
        {
            ["quant_method"] = "fp8",
            ["weight_block_size"] = new JsonArray(int.MaxValue, int.MaxValue),
        });

        var scale = Assert.Single(config.ExpectedTensors(), t => t.Name == "model.layers.0.self_attn.q_a_proj.weight_scale_inv");
        Assert.Equal(new DeepSeek.Sdk.Tensors.Shape(1, 1), scale.Shape);
    }

    [Fact]
    public void Qwen2_window_fields_are_bounded()
    {
        var e = BoundedProbe.Throws<ConfigException>(() => Parse(Fixture("qwen2_f32", j => j["sliding_window"] = int.MaxValue)));
        Assert.Equal("sliding_window", e.Field);
        Assert.Equal("max_window_layers", BoundedProbe.Throws<ConfigException>(() => Parse(Fixture("qwen2_f32", j => j["max_window_layers"] = -1))).Field);
    }

    [Theory]
    [InlineData("image_size", 1000000, "vision_config.image_size", "MaxImageSize")]
    [InlineData("num_hidden_layers", int.MaxValue, "vision_config.num_hidden_layers", "MaxLayers")]
    [InlineData("hidden_size", int.MaxValue, "vision_config.hidden_size", "MaxHiddenSize")]
    [InlineData("num_image_tokens", int.MaxValue, "vision_config.num_image_tokens", "MaxImageTokens")]
    [InlineData("depth", int.MaxValue, "vision_config.depth", "MaxLayers")]
    public void Janus_vision_sizes_are_bounded(string field, int value, string named, string option)
    {
        var e = BoundedProbe.Throws<ConfigException>(() => Janus(j => ((JsonObject)j["vision_config"]!)[field] = value));

        Assert.Equal(named, e.Field);
        Assert.Contains($"(ConfigLimits.{option} = ", e.Message);
    }

    [Fact]
    public void Janus_image_size_of_a_million_reports_no_overflowed_number()
    {
        // The probe: image_size 1e6 with patch 16 reported (image_size / patch_size)^2 as an overflowed int.
        var e = BoundedProbe.Throws<ConfigException>(() => Janus(j => ((JsonObject)j["vision_config"]!)["image_size"] = 1000000));

        Assert.Equal("test-config.json: field 'vision_config.image_size': 1000000 exceeds the limit (ConfigLimits.MaxImageSize = 2048)", e.Message);
    }

    [Fact]
    public void Janus_mlp_ratio_is_checked_before_the_width_is_cast()
    {
        Assert.Contains("MaxIntermediateSize", BoundedProbe.Throws<ConfigException>(() => Janus(j => ((JsonObject)j["vision_config"]!)["mlp_ratio"] = 1e12)).Message);
        Assert.Equal("vision_config.mlp_ratio", BoundedProbe.Throws<ConfigException>(() => Janus(j => ((JsonObject)j["vision_config"]!)["mlp_ratio"] = 1e-9)).Field);
    }

    [Theory]
    [InlineData("num_embeddings", "2147483647", "vq_config.num_embeddings", "MaxVocabularySize")]
    [InlineData("base_channels", "2147483647", "vq_config.base_channels", "MaxHiddenSize")]
    [InlineData("num_res_blocks", "100000000", "vq_config.num_res_blocks", "MaxLayers")]
    [InlineData("channel_multiplier", "[1, 1, 2, 2, 1073741824]", "vq_config.channel_multiplier", "MaxHiddenSize")]
    [InlineData("channel_multiplier", "[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]", "vq_config.channel_multiplier", "MaxImageSize")]
    public void Janus_vq_sizes_and_products_are_bounded(string field, string raw, string named, string option)
    {
        var e = BoundedProbe.Throws<ConfigException>(() => Janus(j => ((JsonObject)j["vq_config"]!)[field] = JsonNode.Parse(raw)));

        Assert.Equal(named, e.Field);
        Assert.Contains($"(ConfigLimits.{option} = ", e.Message);
    }

    [Fact]
    public void Every_published_model_passes_the_default_limits()
    {
        foreach (var (name, json) in PublishedConfigs.All)
        {
            var config = ModelConfig.Parse(Encoding.UTF8.GetBytes(json), name);
            int tensors = config.ExpectedTensors().Count;
            // Kimi-K2's FP8 release is the largest: 139,583.
            Assert.True(tensors < ConfigLimits.Default.MaxTensors / 4, $"{name}: {tensors} tensors");
        }
    }

    [Fact]
    public void DeepSeek_v3_lists_its_fp8_checkpoint_quickly()
    {
        var config = ModelConfig.Parse(Encoding.UTF8.GetBytes(PublishedConfigs.All["DeepSeek-V3"]), "DeepSeek-V3");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var tensors = config.ExpectedTensors();

        // 58 MoE layers × 256 experts × 3 projections × (weight + scale) dominate: 89,088 of them.
        Assert.InRange(tensors.Count, 89088, 100000);
        Assert.True(clock.Elapsed < BoundedProbe.TimeLimit, $"{clock.Elapsed}");
    }

    [Fact]
    public void Every_oracle_fixture_passes_the_default_limits()
    {
        foreach (string name in new[] { "deepseek_v2_f32", "deepseek_v3_bf16", "deepseek_v3_f32", "deepseek_v3_fp8", "janus_f32", "llama3_bf16", "llama3_f32", "qwen2_f32" })
            Assert.NotEmpty(ModelConfig.Load(OracleFixtures.Dir(name)).ExpectedTensors());
    }

    [Fact]
    public void The_shipped_models_pass_the_default_limits()
    {
        // models/ at the repository root, found from the test binaries (bin/Release/net10.0 of this project).
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "models", "deepseek-r1-tiny", "config.json"))) root = root.Parent;
        Assert.NotNull(root);
        Assert.IsType<DeepSeekV3Config>(ModelConfig.Load(Path.Combine(root.FullName, "models", "deepseek-r1-tiny")));
        Assert.IsType<JanusConfig>(ModelConfig.Load(Path.Combine(root.FullName, "models", "janus-pro-tiny")));
    }

    private static ModelConfig Parse(JsonObject json) =>
        ModelConfig.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()), "test-config.json");

    private static JsonObject Fixture(string caseName) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(OracleFixtures.Dir(caseName), "config.json")))!.AsObject();

    private static JsonObject Fixture(string caseName, Action<JsonObject> edit)
    {
        var json = Fixture(caseName);
        edit(json);
        return json;
    }

    private static JsonObject Llama(Action<JsonObject> edit) => Fixture("llama3_f32", edit);

    private static ModelConfig DeepSeek(Action<JsonObject> edit) => Parse(Fixture("deepseek_v3_f32", edit));

    private static ModelConfig Janus(Action<JsonObject> edit) => Parse(Fixture("janus_f32", edit));
}
