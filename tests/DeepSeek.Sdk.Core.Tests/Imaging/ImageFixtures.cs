using System.IO.Compression;
using System.Text.Json;

namespace DeepSeek.Sdk.Core.Tests.Imaging;

/// <summary>tests/Fixtures/images, made by tools/images/make_image_fixtures.py: inputs and Pillow's decoding of each
/// (see the script's docstring for what every array means).</summary>
public static class ImageFixtures
{
    private static readonly Lazy<JsonDocument> s_manifest = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Root, "manifest.json"))));

    public static string Root => Path.Combine(AppContext.BaseDirectory, "Fixtures", "images");

    public static JsonElement Manifest => s_manifest.Value.RootElement;

    /// <summary>The Pillow, libjpeg-turbo and zlib versions that made the references.</summary>
    public static string Environment => Manifest.GetProperty("environment").GetRawText();

    public static TheoryData<string> Names(string section)
    {
        var data = new TheoryData<string>();
        foreach (var entry in Manifest.GetProperty(section).EnumerateArray())
            data.Add(entry.GetProperty("name").GetString()!);
        return data;
    }

    public static TheoryData<string> PngNames() => Names("png");

    public static TheoryData<string> JpegNames() => Names("jpeg");

    public static TheoryData<string> CorruptNames() => Names("corrupt");

    public static TheoryData<string> ResizeNames() => Names("resize");

    public static TheoryData<string> JanusNames() => Names("janus");

    public static JsonElement Entry(string section, string name)
    {
        foreach (var entry in Manifest.GetProperty(section).EnumerateArray())
        {
            if (entry.GetProperty("name").GetString() == name)
                return entry;
        }
        throw new KeyNotFoundException($"no '{name}' in manifest section '{section}'");
    }

    public static byte[] Input(JsonElement entry) => File.ReadAllBytes(Path.Combine(Root, entry.GetProperty("file").GetString()!));

    /// <summary>An expected array: gunzip, then undo the per-row left-neighbour byte delta (stride = bytes per
    /// pixel) that make_image_fixtures.py save_array applied.</summary>
    public static byte[] Array(JsonElement entry, string property, int height, int pixelBytes)
    {
        string path = Path.Combine(Root, entry.GetProperty(property).GetString()!);
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        byte[] data = buffer.ToArray();
        Assert.True(data.Length % height == 0, $"{path}: {data.Length} bytes is not {height} rows");
        int rowBytes = data.Length / height;
        for (int y = 0; y < height; y++)
        {
            var row = data.AsSpan(y * rowBytes, rowBytes);
            for (int i = pixelBytes; i < row.Length; i++)
                row[i] += row[i - pixelBytes];
        }
        return data;
    }

    public static int Int(JsonElement entry, string property) => entry.GetProperty(property).GetInt32();

    public static string? OptionalString(JsonElement entry, string property) =>
        entry.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
