using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using DeepSeek.Sdk.Checkpoints;

namespace DeepSeek.Sdk.Core.Tests.Checkpoints;

/// <summary>Headers and indexes that are well-formed but ask for too much: each is refused by a
/// <see cref="SafetensorsLimits"/> bound named in the message, quickly, and without building what it describes.</summary>
public class SafetensorsLimitTests
{
    [Fact]
    public void A_shape_of_millions_of_dimensions_is_refused_at_the_rank_bound_without_allocating_it()
    {
        // 4 MB of "0," (a 100 MB one parsed into a tree took 2 GB and 15 s); the reader allocates nothing per dimension.
        var header = new StringBuilder("{\"t\":{\"dtype\":\"F32\",\"shape\":[0");
        for (int i = 1; i < 2_000_000; i++) header.Append(",0");
        header.Append("],\"data_offsets\":[0,0]}}");
        using var dir = new TempDirectory();
        string path = Write(dir, header.ToString());

        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose());
        clock.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        Assert.Equal("t", e.TensorName);
        Assert.Contains("more than 8 dimensions (SafetensorsLimits.MaxRank = 8)", e.Message);
        Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"{clock.Elapsed}");
    }

    [Fact]
    public void More_tensors_than_the_bound_are_refused_naming_the_option()
    {
        var limits = new SafetensorsLimits { MaxTensors = 5 };
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(OracleFixtures.Model("llama3_f32"), limits).Dispose());
        Assert.Contains("more than 5 tensors (SafetensorsLimits.MaxTensors = 5)", e.Message);
        using var file = SafetensorsFile.Open(OracleFixtures.Model("llama3_f32"), new SafetensorsLimits { MaxTensors = 1000 });
        Assert.True(file.Tensors.Count > 5);
    }

    [Fact]
    public void Too_many_metadata_entries_are_refused()
    {
        var json = new JsonObject();
        var metadata = new JsonObject();
        for (int i = 0; i < 11; i++) metadata[$"k{i}"] = "v";
        json["__metadata__"] = metadata;
        using var dir = new TempDirectory();
        string path = Write(dir, json.ToJsonString());
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path, new SafetensorsLimits { MaxMetadataEntries = 10 }).Dispose());
        Assert.Contains("SafetensorsLimits.MaxMetadataEntries = 10", e.Message);
    }

    [Fact]
    public void The_header_bound_is_an_option()
    {
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(OracleFixtures.Model("llama3_f32"), new SafetensorsLimits { MaxHeaderBytes = 1000 }).Dispose());
        Assert.Contains("exceeds the 1000-byte limit (SafetensorsLimits.MaxHeaderBytes = 1000)", e.Message);
    }

    [Fact]
    public void Deep_nesting_is_refused_as_invalid_json_without_recursing()
    {
        using var dir = new TempDirectory();
        string path = Write(dir, "{\"t\":" + new string('[', 100_000) + new string(']', 100_000) + "}");
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Contains("not valid UTF-8 JSON", e.Message);
        Assert.Contains("depth", e.Message);
    }

    [Fact]
    public void A_syntax_error_after_a_bad_entry_is_reported_as_a_syntax_error()
    {
        using var dir = new TempDirectory();
        string path = Write(dir, "{\"t\":{\"dtype\":\"F12\",\"shape\":[],\"data_offsets\":[0,4]}, oops}");
        Assert.Contains("not valid UTF-8 JSON", Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose()).Message);
    }

    [Fact]
    public void Long_values_are_shortened_in_messages()
    {
        using var dir = new TempDirectory();
        string path = Write(dir, "{\"t\":{\"dtype\":\"" + new string('Q', 10_000) + "\",\"shape\":[],\"data_offsets\":[0,4]}}");
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Contains("unknown dtype 'QQQQ", e.Message);
        Assert.Contains("...' (supported: F64, F32, F16, BF16, F8_E4M3", e.Message);
        Assert.True(e.Message.Length < 400, e.Message);
    }

    [Fact]
    public void Dtypes_of_newer_safetensors_versions_are_named_as_unsupported()
    {
        using var dir = new TempDirectory();
        foreach (string dtype in (string[])["F8_E8M0", "U32", "F4", "C64"])
        {
            string path = Write(dir, "{\"t\":{\"dtype\":\"" + dtype + "\",\"shape\":[1],\"data_offsets\":[0,1]}}");
            var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose());
            Assert.Contains($"unknown dtype '{dtype}'", e.Message);
        }
    }

    [Fact]
    public void An_index_over_its_size_bound_or_entry_bound_is_refused()
    {
        using var dir = new TempDirectory();
        string path = dir.File(ShardIndex.FileName);
        var map = new JsonObject();
        for (int i = 0; i < 20; i++) map[$"t{i}"] = "model-00001-of-00001.safetensors";
        File.WriteAllText(path, new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = 4 }, ["weight_map"] = map }.ToJsonString());

        var size = Assert.Throws<CheckpointException>(() => ShardIndex.Load(path, new SafetensorsLimits { MaxIndexBytes = 100 }));
        Assert.Contains("SafetensorsLimits.MaxIndexBytes = 100", size.Message);
        var entries = Assert.Throws<CheckpointException>(() => ShardIndex.Load(path, new SafetensorsLimits { MaxTensors = 10 }));
        Assert.Contains("SafetensorsLimits.MaxTensors = 10", entries.Message);
        Assert.Equal(20, ShardIndex.Load(path).WeightMap.Count);
    }

    [Fact]
    public void An_index_with_two_weight_maps_or_broken_json_is_refused()
    {
        using var dir = new TempDirectory();
        string path = dir.File(ShardIndex.FileName);
        File.WriteAllText(path, "{\"weight_map\": {}, \"weight_map\": {\"a\": \"b.safetensors\"}}");
        Assert.Contains("two 'weight_map'", Assert.Throws<CheckpointException>(() => ShardIndex.Load(path)).Message);
        File.WriteAllText(path, "{\"weight_map\": {\"a\": \"b.safetensors\",}}");
        Assert.Contains("not valid JSON", Assert.Throws<CheckpointException>(() => ShardIndex.Load(path)).Message);
        File.WriteAllText(path, "");
        Assert.Contains("not valid JSON", Assert.Throws<CheckpointException>(() => ShardIndex.Load(path)).Message);
    }

    private static string Write(TempDirectory dir, string header)
    {
        string path = dir.File("crafted.safetensors");
        var bytes = Encoding.UTF8.GetBytes(header);
        using var stream = File.Create(path);
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)bytes.Length);
        stream.Write(length);
        stream.Write(bytes);
        stream.Write(new byte[16]);
        return path;
    }
}
