using System.Text;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Vision.Janus;

namespace DeepSeek.Sdk.Vision.Tests.Janus;

public sealed class JanusOriginalConfigTests
{
    // deepseek-ai/Janus-Pro-1B config.json as published (MultiModalityConfig).
    private const string JanusPro1B = """
        {
          "aligner_config": {"cls": "MlpProjector", "model_type": "aligner", "params": {"depth": 2, "input_dim": 1024, "n_embed": 2048, "projector_type": "mlp_gelu"}},
          "architectures": ["MultiModalityCausalLM"],
          "gen_aligner_config": {"cls": "MlpProjector", "model_type": "gen_aligner", "params": {"depth": 2, "input_dim": 8, "n_embed": 2048, "projector_type": "mlp_gelu"}},
          "gen_head_config": {"cls": "vision_head", "model_type": "gen_head", "params": {"image_token_embed": 2048, "image_token_size": 16384, "n_embed": 2048}},
          "gen_vision_config": {"cls": "VQ-16", "model_type": "gen_vision", "params": {"image_token_size": 16384, "n_embed": 8}},
          "language_config": {"hidden_size": 2048, "intermediate_size": 5632, "max_position_embeddings": 16384, "model_type": "llama",
                              "num_attention_heads": 16, "num_hidden_layers": 24, "num_key_value_heads": 16, "torch_dtype": "bfloat16", "vocab_size": 102400},
          "model_type": "multi_modality",
          "torch_dtype": "bfloat16",
          "transformers_version": "4.33.1",
          "vision_config": {"cls": "CLIPVisionTower", "model_type": "vision", "params": {"image_size": 384, "model_name": "siglip_large_patch16_384", "select_feature": "same", "select_layer": -1}}
        }
        """;

    [Fact]
    public void The_janus_pro_1b_release_config_becomes_the_converted_config()
    {
        var config = JanusOriginalConfig.Parse(Encoding.UTF8.GetBytes(JanusPro1B), "config.json");
        Assert.Equal((2048, 24, 16, 102400, false), (config.Text.HiddenSize, config.Text.NumHiddenLayers, config.Text.NumAttentionHeads, config.Text.VocabSize, config.TieWordEmbeddings));
        var v = config.Vision;
        Assert.Equal((1024, 24, 16, 16, 384, 576, 2048, 2, 4096), (v.HiddenSize, v.NumHiddenLayers, v.NumAttentionHeads, v.PatchSize, v.ImageSize, v.NumImageTokens, v.ProjectionDim, v.Depth, v.MlpWidth));
        var q = config.Vq;
        Assert.Equal((8, 16384, 2048, 2, 2048, 24), (q.EmbedDim, q.NumEmbeddings, q.ProjectionDim, q.NumHiddenLayers, q.ImageTokenEmbedDim, q.NumPatches));
        Assert.Equal((128, 256, 2), (q.BaseChannels, q.LatentChannels, q.NumResBlocks));
        Assert.Equal([1, 1, 2, 2, 4], q.ChannelMultiplier);
        Assert.Equal(100581, config.ImageTokenId);
    }

    [Fact]
    public void Every_tensor_of_the_translated_config_has_a_release_name()
    {
        var config = JanusOriginalConfig.Parse(Encoding.UTF8.GetBytes(JanusPro1B), "config.json");
        var names = config.ExpectedTensors().Select(t => JanusTensorMap.Original.Resolve(t.Name).Name).ToHashSet();
        Assert.Contains("vision_model.vision_tower.blocks.23.attn.qkv.weight", names);
        Assert.Contains("gen_vision_model.decoder.conv_blocks.4.res.2.conv2.weight", names);
        Assert.Contains("gen_vision_model.decoder.conv_blocks.0.attn.2.k.bias", names);
        Assert.Contains("language_model.lm_head.weight", names);
        Assert.All(names, n => Assert.False(n.StartsWith("model.", StringComparison.Ordinal), n));
    }

    [Theory]
    [InlineData("\"siglip_large_patch16_384\"", "\"siglip_so400m_patch14_384\"", "vision_config.params.model_name")]
    [InlineData("\"select_layer\": -1", "\"select_layer\": -2", "vision_config.params.select_layer")]
    [InlineData("\"image_token_embed\": 2048", "\"image_token_embed\": 1024", "gen_head_config.params.image_token_embed")]
    [InlineData("\"cls\": \"VQ-16\"", "\"cls\": \"VQ-8\"", "gen_vision_config.cls")]
    public void Unsupported_release_settings_name_their_field(string from, string to, string field)
    {
        var e = Assert.Throws<ConfigException>(() => JanusOriginalConfig.Parse(Encoding.UTF8.GetBytes(JanusPro1B.Replace(from, to, StringComparison.Ordinal)), "config.json"));
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void LoadConfig_reads_either_layout_from_a_model_directory()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("config.json"), JanusPro1B);
        Assert.Equal(1024, JanusModel.LoadConfig(directory.Path).Vision.HiddenSize);
        Assert.Equal(32, JanusModel.LoadConfig(JanusFixture.PathOf(JanusFixture.Name)).Vision.HiddenSize);
    }

    [Fact]
    public void A_release_image_size_above_the_limit_is_named_before_its_grid_is_computed()
    {
        // The probe: image_size 1e6 reported an overflowed (image_size / patch_size)^2.
        string json = JanusPro1B.Replace("\"image_size\": 384", "\"image_size\": 1000000", StringComparison.Ordinal);

        var e = BoundedProbe.Throws<ConfigException>(() => JanusOriginalConfig.Parse(Encoding.UTF8.GetBytes(json), "config.json"));

        Assert.Equal("config.json: field 'vision_config.params.image_size': 1000000 exceeds the limit (ConfigLimits.MaxImageSize = 2048)", e.Message);
    }

    [Fact]
    public void LoadConfig_checks_the_sizes_against_the_callers_limits()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("config.json"), JanusPro1B);
        var limits = ConfigLimits.Default with { MaxLayers = 16 };

        var original = BoundedProbe.Throws<ConfigException>(() => JanusModel.LoadConfig(directory.Path, limits));
        var converted = BoundedProbe.Throws<ConfigException>(() => JanusModel.LoadConfig(JanusFixture.PathOf(JanusFixture.Name), limits with { MaxLayers = 1 }));

        Assert.Equal("text_config.num_hidden_layers", original.Field);
        Assert.Contains("(ConfigLimits.MaxLayers = 16)", original.Message);
        Assert.Contains("(ConfigLimits.MaxLayers = 1)", converted.Message);
    }
}
