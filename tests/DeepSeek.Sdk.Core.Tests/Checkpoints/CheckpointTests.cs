using System.Text.Json.Nodes;
using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Core.Tests.Checkpoints;

public class CheckpointTests
{
    [Fact]
    public void Single_file_checkpoint_lists_names_and_infos()
    {
        using var checkpoint = Checkpoint.Open(OracleFixtures.Dir("qwen2_f32"));
        Assert.Single(checkpoint.Files);
        Assert.Equal("lm_head.weight", checkpoint.Names[0]);
        Assert.True(checkpoint.Contains("model.layers.1.self_attn.v_proj.bias"));
        var info = checkpoint.GetTensorInfo("model.layers.0.mlp.gate_proj.weight");
        Assert.Equal(DType.F32, info.DType);
        Assert.Equal(new Shape(160, 64), info.Shape);
        Assert.EndsWith("model.safetensors", info.FilePath);
    }

    [Fact]
    public void Sharded_checkpoint_reads_back_what_was_split()
    {
        using var dir = new TempDirectory();
        SplitIntoShards("deepseek_v2_f32", dir.Path);
        using var original = SafetensorsFile.Open(OracleFixtures.Model("deepseek_v2_f32"));
        using var sharded = Checkpoint.Open(dir.Path);
        Assert.Equal(2, sharded.Files.Count);
        Assert.Equal(original.Tensors.Count, sharded.Names.Count);
        foreach (var info in original.Tensors)
        {
            Assert.Equal(info.Shape, sharded.GetTensorInfo(info.Name).Shape);
            Assert.Equal(original.GetTensor(info.Name).ToFloatArray(), sharded.GetTensor(info.Name).ToFloatArray());
        }
        Assert.EndsWith("model-00002-of-00002.safetensors", sharded.GetTensorInfo("model.norm.weight").FilePath);
    }

    [Fact]
    public void Index_pointing_at_a_tensor_its_shard_lacks_is_refused()
    {
        using var dir = new TempDirectory();
        SplitIntoShards("deepseek_v2_f32", dir.Path);
        EditIndex(dir.Path, map => map["model.layers.9.mlp.gate.weight"] = "model-00001-of-00002.safetensors");
        var e = Assert.Throws<TensorNotFoundException>(() => Checkpoint.Open(dir.Path));
        Assert.Equal("model.layers.9.mlp.gate.weight", e.TensorName);
        Assert.Contains(ShardIndex.FileName, e.Message);
    }

    [Fact]
    public void Index_pointing_at_a_missing_shard_is_refused()
    {
        using var dir = new TempDirectory();
        SplitIntoShards("deepseek_v2_f32", dir.Path);
        EditIndex(dir.Path, map => map["model.norm.weight"] = "model-00003-of-00002.safetensors");
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Open(dir.Path));
        Assert.Contains("model-00003-of-00002.safetensors", e.Message);
        Assert.Equal("model.norm.weight", e.TensorName);
    }

    [Fact]
    public void Shard_holding_a_tensor_the_index_does_not_list_is_refused()
    {
        using var dir = new TempDirectory();
        SplitIntoShards("deepseek_v2_f32", dir.Path);
        EditIndex(dir.Path, map => map.Remove("model.norm.weight"));
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Open(dir.Path));
        Assert.Equal("model.norm.weight", e.TensorName);
    }

    [Fact]
    public void Index_escaping_its_directory_is_refused()
    {
        using var dir = new TempDirectory();
        SplitIntoShards("deepseek_v2_f32", dir.Path);
        EditIndex(dir.Path, map => map["model.norm.weight"] = "../model-00002-of-00002.safetensors");
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Open(dir.Path));
        Assert.Contains("plain file name", e.Message);
    }

    [Fact]
    public void Without_index_or_model_file_every_safetensors_file_is_read_and_duplicates_are_refused()
    {
        using var dir = new TempDirectory();
        SplitIntoShards("llama3_f32", dir.Path);
        File.Delete(Path.Combine(dir.Path, ShardIndex.FileName));
        using (var checkpoint = Checkpoint.Open(dir.Path))
            Assert.True(checkpoint.Contains("model.norm.weight"));

        File.Copy(Path.Combine(dir.Path, "model-00002-of-00002.safetensors"), Path.Combine(dir.Path, "extra.safetensors"));
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Open(dir.Path));
        Assert.Contains("stored twice", e.Message);
        Assert.NotNull(e.TensorName);
    }

    [Fact]
    public void Missing_tensor_names_itself_and_the_directory()
    {
        using var checkpoint = Checkpoint.Open(OracleFixtures.Dir("llama3_bf16"));
        var e = Assert.Throws<TensorNotFoundException>(() => checkpoint.GetTensor("model.layers.7.mlp.up_proj.weight"));
        Assert.Equal("model.layers.7.mlp.up_proj.weight", e.TensorName);
        Assert.Contains(checkpoint.Directory, e.Message);
    }

    [Fact]
    public void Fp8_weight_comes_with_its_block_scales_and_dequantizes_tile_by_tile()
    {
        var config = ModelConfig.Load(OracleFixtures.Dir("deepseek_v3_fp8"));
        using var checkpoint = Checkpoint.Open(OracleFixtures.Dir("deepseek_v3_fp8"));
        const string name = "model.layers.0.mlp.down_proj.weight";
        var weight = checkpoint.GetWeight(name, config.Quantization);
        Assert.NotNull(weight.Scales);
        Assert.Equal(16, weight.Scales.BlockRows);
        Assert.Equal(16, weight.Scales.BlockCols);
        Assert.Same(checkpoint.GetTensor(name + "_scale_inv").Storage, weight.Scales.Scales.Storage);

        var codes = checkpoint.GetTensor(name).AsSpan<byte>();
        var scales = checkpoint.GetTensor(name + "_scale_inv").ToFloatArray();
        var values = weight.ToFloatArray();
        // Element [r, c] of [64, 128] is e4m3(code) * scale_inv[r / 16, c / 16] (DeepSeek-V3 weight_dequant).
        foreach (var (r, c) in new[] { (0, 0), (0, 17), (17, 40), (63, 127) })
        {
            float expected = ScalarConversions.F8E4M3ToF32(codes[r * 128 + c]) * scales[(r / 16) * 8 + c / 16];
            Assert.Equal(expected, values[r * 128 + c]);
        }
        Assert.Equal(-64f * 0.0006259831134229898f, values[0]);
    }

    [Fact]
    public void Non_quantized_weights_come_back_as_stored()
    {
        var config = ModelConfig.Load(OracleFixtures.Dir("deepseek_v3_fp8"));
        using var checkpoint = Checkpoint.Open(OracleFixtures.Dir("deepseek_v3_fp8"));
        var gate = checkpoint.GetWeight("model.layers.1.mlp.gate.weight", config.Quantization);
        Assert.Equal(DType.BF16, gate.DType);
        Assert.Null(gate.Scales);
    }

    [Fact]
    public void Fp8_weight_with_scales_needs_the_quantization_config()
    {
        using var checkpoint = Checkpoint.Open(OracleFixtures.Dir("deepseek_v3_fp8"));
        var e = Assert.Throws<CheckpointException>(() => checkpoint.GetWeight("model.layers.0.self_attn.o_proj.weight"));
        Assert.Contains("quantization_config", e.Message);
    }

    [Fact]
    public void Block_size_that_disagrees_with_the_scale_grid_is_refused()
    {
        using var checkpoint = Checkpoint.Open(OracleFixtures.Dir("deepseek_v3_fp8"));
        var wrong = new QuantizationConfig { WeightBlockSize = [32, 16] };
        var e = Assert.Throws<CheckpointMismatchException>(() => checkpoint.GetWeight("model.layers.0.self_attn.o_proj.weight", wrong));
        Assert.Equal("model.layers.0.self_attn.o_proj.weight_scale_inv", e.TensorName);
        Assert.Equal(new Shape(2, 4), e.ExpectedShape);
        Assert.Equal(new Shape(4, 4), e.ActualShape);
    }

    [Fact]
    public void Disposing_the_checkpoint_releases_every_mapping()
    {
        var checkpoint = Checkpoint.Open(OracleFixtures.Dir("llama3_f32"));
        var norm = checkpoint.GetTensor("model.norm.weight");
        checkpoint.Dispose();
        Assert.Throws<ObjectDisposedException>(() => norm.ToFloatArray());
        Assert.Throws<ObjectDisposedException>(() => checkpoint.GetTensor("model.norm.weight"));
    }

    /// <summary>Writes the case's tensors into two shards (names sorted, split in half) and an index, as
    /// transformers' save_pretrained(max_shard_size=...) would.</summary>
    internal static void SplitIntoShards(string caseName, string directory)
    {
        using var file = SafetensorsFile.Open(OracleFixtures.Model(caseName));
        var names = new List<string>();
        foreach (var info in file.Tensors) names.Add(info.Name);
        names.Sort(StringComparer.Ordinal);
        var shards = new[] { new Dictionary<string, Tensor>(), new Dictionary<string, Tensor>() };
        var map = new JsonObject();
        for (int i = 0; i < names.Count; i++)
        {
            int shard = i < names.Count / 2 ? 0 : 1;
            shards[shard].Add(names[i], file.GetTensor(names[i]));
            map[names[i]] = $"model-0000{shard + 1}-of-00002.safetensors";
        }
        for (int s = 0; s < 2; s++)
            SafetensorsWriter.Write(Path.Combine(directory, $"model-0000{s + 1}-of-00002.safetensors"), shards[s], file.Metadata);
        var index = new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = file.Length }, ["weight_map"] = map };
        File.WriteAllText(Path.Combine(directory, ShardIndex.FileName), index.ToJsonString());
    }

    private static void EditIndex(string directory, Action<JsonObject> edit)
    {
        string path = Path.Combine(directory, ShardIndex.FileName);
        var index = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(index["weight_map"]!.AsObject());
        File.WriteAllText(path, index.ToJsonString());
    }
}
