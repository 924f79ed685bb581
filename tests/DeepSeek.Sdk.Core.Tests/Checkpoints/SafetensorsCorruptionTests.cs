using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using DeepSeek.Sdk.Checkpoints;

namespace DeepSeek.Sdk.Core.Tests.Checkpoints;

/// <summary>Corrupted copies of a fixture file, each breaking one rule of the format; every one must fail with
/// a typed exception whose message names the file and, where one is involved, the tensor.</summary>
public class SafetensorsCorruptionTests
{
    private const string Victim = "model.layers.0.self_attn.k_proj.weight";

    private static readonly byte[] s_original = File.ReadAllBytes(OracleFixtures.Model("llama3_f32"));

    [Fact]
    public void File_shorter_than_the_length_prefix_is_refused()
    {
        var e = OpenBroken(s_original[..5]);
        Assert.Contains("shorter than the 8-byte", e.Message);
        Assert.Null(e.TensorName);
    }

    [Fact]
    public void Truncated_file_cuts_into_the_last_tensor()
    {
        var (header, _) = Split(s_original);
        string last = LastTensor(header);
        var e = OpenBroken(s_original[..^100]);
        Assert.Equal(last, e.TensorName);
        Assert.Contains("beyond the", e.Message);
    }

    [Fact]
    public void Header_length_beyond_the_file_is_refused()
    {
        var bytes = (byte[])s_original.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)bytes.Length);
        var e = OpenBroken(bytes);
        Assert.Contains("beyond the end", e.Message);
    }

    [Fact]
    public void Header_length_above_the_100_MB_bound_is_refused_even_inside_the_file()
    {
        using var dir = new TempDirectory();
        string path = dir.File("huge-header.safetensors");
        using (var stream = File.Create(path))
        {
            var length = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, 150_000_000);
            stream.Write(length);
            // Sparse on Linux and NTFS: the 200 MB costs no disk, and the bound must trip before any parsing.
            stream.SetLength(200_000_000);
        }
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Contains("exceeds the 100000000-byte limit", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Header_that_is_not_json_is_refused()
    {
        var bytes = (byte[])s_original.Clone();
        bytes[8] = (byte)'[';
        bytes[9] = (byte)'{';
        Assert.Contains("not valid UTF-8 JSON", OpenBroken(bytes).Message);
    }

    [Fact]
    public void Header_with_invalid_utf8_is_refused()
    {
        var (header, _) = Split(s_original);
        int at = header.IndexOf(Victim, StringComparison.Ordinal) + 8 + 3;
        var bytes = (byte[])s_original.Clone();
        bytes[at] = 0xFF;
        Assert.Contains("not valid UTF-8 JSON", OpenBroken(bytes).Message);
    }

    [Fact]
    public void Header_that_is_a_json_array_is_refused()
    {
        var e = OpenBroken(Build("[1, 2]"));
        Assert.Contains("must be a JSON object", e.Message);
    }

    [Fact]
    public void Overlapping_offsets_name_the_later_tensor()
    {
        var e = Corrupt(entry => entry["data_offsets"] = new JsonArray(4, 4100));
        Assert.Contains("lm_head.weight", e.Message);
        Assert.Contains("overlap", e.Message);
    }

    [Fact]
    public void Offsets_past_the_data_section_are_refused()
    {
        var e = Corrupt(entry => entry["data_offsets"] = new JsonArray(10_000_000, 10_004_096), Victim);
        Assert.Equal(Victim, e.TensorName);
        Assert.Contains("beyond the", e.Message);
    }

    [Fact]
    public void Offsets_with_begin_after_end_are_refused()
    {
        var e = Corrupt(entry => entry["data_offsets"] = new JsonArray(4096, 0), Victim);
        Assert.Contains("begin after end", e.Message);
    }

    [Fact]
    public void Offsets_that_are_not_a_pair_are_refused()
    {
        var e = Corrupt(entry => entry["data_offsets"] = new JsonArray(0, 1, 2), Victim);
        Assert.Contains("[begin, end]", e.Message);
    }

    [Fact]
    public void Byte_size_must_equal_dtype_size_times_elements()
    {
        var e = Corrupt(entry => entry["shape"] = new JsonArray(16, 63), Victim);
        Assert.Contains("needs 4032", e.Message);
    }

    [Fact]
    public void Unknown_dtype_is_refused()
    {
        var e = Corrupt(entry => entry["dtype"] = "F12", Victim);
        Assert.Contains("unknown dtype 'F12'", e.Message);
    }

    [Fact]
    public void Negative_dimension_is_refused()
    {
        var e = Corrupt(entry => entry["shape"] = new JsonArray(-16, -64), Victim);
        Assert.Contains("negative", e.Message);
    }

    [Fact]
    public void Dimension_beyond_int_is_refused_as_overflow()
    {
        var e = Corrupt(entry => entry["shape"] = new JsonArray(1L << 40, 0), Victim);
        Assert.Contains("overflows", e.Message);
    }

    [Fact]
    public void Element_count_overflowing_64_bits_is_refused()
    {
        var e = Corrupt(entry => entry["shape"] = new JsonArray(int.MaxValue, int.MaxValue, int.MaxValue), Victim);
        Assert.Contains("overflows", e.Message);
    }

    [Theory]
    [InlineData("dtype")]
    [InlineData("shape")]
    [InlineData("data_offsets")]
    public void Entry_missing_a_field_is_refused(string field)
    {
        var e = Corrupt(entry => entry.Remove(field), Victim);
        Assert.Contains($"no '{field}'", e.Message);
    }

    [Fact]
    public void Entry_fields_of_the_wrong_json_type_are_refused()
    {
        Assert.Contains("'dtype' must be a string", Corrupt(entry => entry["dtype"] = 32, Victim).Message);
        Assert.Contains("'shape' must be an array", Corrupt(entry => entry["shape"] = "16x64", Victim).Message);
        Assert.Contains("must be an integer", Corrupt(entry => entry["shape"] = new JsonArray(16, 64.5), Victim).Message);
        Assert.Contains("two non-negative integers", Corrupt(entry => entry["data_offsets"] = new JsonArray("0", "4096"), Victim).Message);
    }

    [Fact]
    public void Metadata_must_map_strings_to_strings()
    {
        var (header, data) = Split(s_original);
        var json = JsonNode.Parse(header)!.AsObject();
        json["__metadata__"] = new JsonObject { ["format"] = 1 };
        var e = OpenBroken(Build(json.ToJsonString(), data));
        Assert.Contains("__metadata__", e.Message);
    }

    private static SafetensorsFormatException Corrupt(Action<JsonObject> edit, string tensor = Victim)
    {
        var (header, data) = Split(s_original);
        var json = JsonNode.Parse(header)!.AsObject();
        edit(json[tensor]!.AsObject());
        var e = OpenBroken(Build(json.ToJsonString(), data));
        Assert.Equal(tensor, e.TensorName);
        Assert.Contains($"'{tensor}'", e.Message);
        return e;
    }

    private static SafetensorsFormatException OpenBroken(byte[] bytes)
    {
        using var dir = new TempDirectory();
        string path = dir.File("broken.safetensors");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Equal(path, e.FilePath);
        Assert.Contains(path, e.Message);
        return e;
    }

    private static (string Header, byte[] Data) Split(byte[] file)
    {
        int n = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(file));
        return (Encoding.UTF8.GetString(file, 8, n), file[(8 + n)..]);
    }

    private static string LastTensor(string header)
    {
        string last = "";
        long lastEnd = -1;
        foreach (var (name, value) in JsonNode.Parse(header)!.AsObject())
        {
            if (name == "__metadata__") continue;
            long end = value!["data_offsets"]![1]!.GetValue<long>();
            if (end > lastEnd) (last, lastEnd) = (name, end);
        }
        return last;
    }

    private static byte[] Build(string header, byte[]? data = null)
    {
        var headerBytes = Encoding.UTF8.GetBytes(header);
        var result = new byte[8 + headerBytes.Length + (data?.Length ?? 0)];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)headerBytes.Length);
        headerBytes.CopyTo(result, 8);
        data?.CopyTo(result, 8 + headerBytes.Length);
        return result;
    }
}
