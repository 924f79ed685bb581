using System.Diagnostics;
using System.Text.Json.Nodes;
using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Text.DeepSeek;
using DeepSeek.Sdk.Text.Llama;

namespace DeepSeek.Sdk.Text.Tests.Loading;

/// <summary>Issue 15's config.json probes through the model loaders, on the oracle fixtures with one field changed:
/// each answers with a typed one-line error (or loads) within 2 s, before anything is built from the bad size.</summary>
public sealed class ConfigProbeTests
{
    [Theory]
    [InlineData("max_position_embeddings", 2000000000)]
    [InlineData("max_position_embeddings", 100000000)]
    [InlineData("num_hidden_layers", int.MaxValue)]
    [InlineData("num_hidden_layers", 1000000)]
    [InlineData("n_routed_experts", 100000000)]
    [InlineData("num_attention_heads", 1 << 26)]
    public void A_deepseek_config_with_an_absurd_size_fails_fast_naming_the_field(string field, int value)
    {
        using var directory = CopyWithConfig("deepseek_v3_f32", config => config[field] = value);
        using var backend = new CpuBackend(1);

        var error = BoundedProbe.Throws<ConfigException>(() => DeepSeekV3Model.Load(directory.Path, backend));

        Assert.Equal(field, error.Field);
        Assert.Contains("config.json", error.Message);
        Assert.Contains("(ConfigLimits.", error.Message);
    }

    [Fact]
    public void A_config_within_the_limits_that_its_weights_contradict_fails_before_any_layer_is_built()
    {
        // 1000 layers and 2048 experts are plausible sizes; the 3-layer, 8-expert checkpoint is checked against them
        // before a single layer (or a rotary table) is allocated.
        using var layers = CopyWithConfig("deepseek_v3_f32", config => config["num_hidden_layers"] = 1000);
        using var experts = CopyWithConfig("deepseek_v3_f32", config => config["n_routed_experts"] = 2048);
        using var backend = new CpuBackend(1);

        var missingLayer = BoundedProbe.Throws<CheckpointMismatchException>(() => DeepSeekV3Model.Load(layers.Path, backend));
        var wrongGate = BoundedProbe.Throws<CheckpointMismatchException>(() => DeepSeekV3Model.Load(experts.Path, backend));

        Assert.StartsWith("model.layers.3.", missingLayer.TensorName);
        Assert.Equal("model.layers.1.mlp.gate.weight", wrongGate.TensorName);
    }

    [Fact]
    public void A_vocab_size_its_embedding_contradicts_is_a_typed_mismatch()
    {
        using var directory = CopyWithConfig("llama3_f32", config => config["vocab_size"] = 4096);
        using var backend = new CpuBackend(1);

        var error = BoundedProbe.Throws<CheckpointMismatchException>(() => LlamaModel.Load(directory.Path, backend));

        Assert.Equal("model.embed_tokens.weight", error.TensorName);
    }

    [Fact]
    public void A_llama_with_a_hundred_million_positions_loads_fast_when_the_limit_is_raised_and_computes_the_same_logits()
    {
        // The probe that hung: tables for 1e8 positions. They now cover what the caches hold, so the model loads at
        // once and a position's rotation does not depend on how many positions the config declares (llama3 rope with
        // an explicit original_max_position_embeddings).
        using var directory = CopyWithConfig("llama3_f32", config => config["max_position_embeddings"] = 100000000);
        using var backend = new CpuBackend(1);
        var oracle = OracleCase.Load("llama3_f32");
        var limits = ConfigLimits.Default with { MaxPositionEmbeddings = 1 << 27 };
        var clock = Stopwatch.StartNew();

        using var model = LlamaModel.Load(directory.Path, backend, limits: InputLimits.Default with { Config = limits });

        Assert.True(clock.Elapsed < BoundedProbe.TimeLimit, $"loaded in {clock.Elapsed}");
        Assert.Equal(100000000, model.MaxContextLength);
        Assert.Equal(InitialPositions, model.Layers[0].Attention.Rotary.Positions);
        using var reference = LlamaModel.Load(oracle.Directory, backend);
        Assert.Equal(Logits(reference, oracle), Logits(model, oracle));
    }

    [Fact]
    public void A_deepseek_model_tabulates_the_positions_its_caches_hold()
    {
        var oracle = OracleCase.Load("deepseek_v3_f32");
        using var backend = new CpuBackend(1);
        using var model = DeepSeekV3Model.Load(oracle.Directory, backend);
        var rotary = model.Layers[0].Attention.Rotary;
        Assert.Same(rotary, model.Layers[2].Attention.Rotary);
        Assert.Equal(InitialPositions, rotary.Positions);

        using (model.CreateCache(300)) Assert.Equal(512, rotary.Positions);

        // A cache made without CreateCache is covered on the step that reaches past the tables.
        using var other = DeepSeekV3Model.Load(oracle.Directory, backend);
        using var cache = new MlaKvCache(backend, 3, other.Config.KvLoraRank, other.Config.QkRopeHeadDim, 300);
        var tokens = new int[InitialPositions + 10];
        for (int i = 0; i < tokens.Length; i++) tokens[i] = oracle.PromptIds[i % oracle.PromptIds.Length];
        other.Forward(tokens, cache, new float[other.VocabularySize], TestContext.Current.CancellationToken);
        Assert.Equal(512, other.Layers[0].Attention.Rotary.Positions);
    }

    [Fact]
    public void Text_models_pass_the_limits_to_the_loader()
    {
        using var directory = CopyWithConfig("qwen2_f32", config => config["num_hidden_layers"] = 3);
        using var backend = new CpuBackend(1);

        var error = BoundedProbe.Throws<ConfigException>(() => TextModels.Load(directory.Path, backend, null, null, InputLimits.Default with { Config = ConfigLimits.Default with { MaxLayers = 2 } }));

        Assert.Contains("(ConfigLimits.MaxLayers = 2)", error.Message);
    }

    private const int InitialPositions = RotaryPositionTables.InitialPositions;

    private static float[] Logits(ICausalLanguageModel model, OracleCase oracle)
    {
        var logits = new float[oracle.Vocab];
        using var cache = model.CreateCache(oracle.PromptIds.Length);
        model.Forward(oracle.PromptIds, cache, logits, TestContext.Current.CancellationToken);
        return logits;
    }

    private static TempDirectory CopyWithConfig(string fixture, Action<JsonNode> edit)
    {
        var directory = new TempDirectory();
        string source = OracleCase.PathOf(fixture);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "config.json")))!;
        edit(config);
        File.WriteAllText(directory.File("config.json"), config.ToJsonString());
        File.Copy(Path.Combine(source, "model.safetensors"), directory.File("model.safetensors"));
        return directory;
    }
}
