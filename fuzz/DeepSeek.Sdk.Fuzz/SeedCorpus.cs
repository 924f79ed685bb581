using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DeepSeek.Sdk.Fuzzing;

/// <summary><c>seeds &lt;repository root&gt; &lt;output folder&gt;</c>: each target's starting corpus, taken from the real
/// files the repository ships (tests/Fixtures, models/) and the hand-written seeds under fuzz/seeds/&lt;target&gt;/. AFL
/// works best from a few small files, so large files are cut down (a safetensors header keeps only the tensors whose data
/// fits in 4 KB) or left out.</summary>
internal static class SeedCorpus
{
    private const int MaxImageSeedBytes = 16 * 1024;
    private const int SafetensorsDataBytes = 4096;

    public static int Write(string root, string output)
    {
        root = Path.GetFullPath(root);
        string fixtures = Path.Combine(root, "tests", "Fixtures");
        string models = Path.Combine(root, "models");
        if (!Directory.Exists(fixtures))
        {
            Console.Error.WriteLine($"{fixtures} does not exist: pass the repository root");
            return 1;
        }

        var seeds = new Dictionary<string, List<(string Name, byte[] Bytes)>>(StringComparer.Ordinal);
        foreach (var target in FuzzTargets.All)
            seeds[target.Name] = [];

        foreach (string file in Files(root, "*.safetensors", Path.Combine(fixtures, "oracle"), models))
            if (SmallSafetensors(file) is { } bytes)
                seeds["safetensors"].Add((Name(root, file), bytes));

        foreach (string file in Files(root, "config.json", Path.Combine(fixtures, "oracle"), models))
            seeds["config"].Add((Name(root, file), File.ReadAllBytes(file)));
        foreach (string file in Files(root, "generation_config.json", Path.Combine(fixtures, "oracle"), models))
            seeds["config"].Add((Name(root, file), File.ReadAllBytes(file)));

        foreach (string folder in Directory.EnumerateDirectories(models).Order(StringComparer.Ordinal))
        {
            string json = Path.Combine(folder, "tokenizer.json");
            string config = Path.Combine(folder, "tokenizer_config.json");
            if (!File.Exists(json))
                continue;
            byte[] tokenizer = File.ReadAllBytes(json);
            seeds["tokenizer"].Add((Name(root, json), tokenizer));
            seeds["tokenizer"].Add((Name(root, json) + ".gz", Gzip(tokenizer)));
            if (File.Exists(config))
                seeds["tokenizer"].Add((Name(root, json) + "+config", [.. tokenizer, 0, .. File.ReadAllBytes(config)]));
        }

        foreach (string file in Files(root, "*tokenizer_config.json", Path.Combine(fixtures, "tokenizers"), models))
            if (ChatTemplate(file) is { } template)
                seeds["jinja"].Add((Name(root, file) + ".jinja", Encoding.UTF8.GetBytes(template)));

        foreach (string file in Files(root, "*.png", Path.Combine(fixtures, "images"), Path.Combine(fixtures, "oracle")))
            if (new FileInfo(file).Length <= MaxImageSeedBytes)
                seeds["png"].Add((Name(root, file), File.ReadAllBytes(file)));
        foreach (string file in Files(root, "*.jpg", Path.Combine(fixtures, "images")))
            if (new FileInfo(file).Length <= MaxImageSeedBytes)
                seeds["jpeg"].Add((Name(root, file), File.ReadAllBytes(file)));

        foreach (var (target, list) in seeds)
        {
            string handWritten = Path.Combine(root, "fuzz", "seeds", target);
            if (Directory.Exists(handWritten))
                foreach (string file in Directory.EnumerateFiles(handWritten).Order(StringComparer.Ordinal))
                    list.Add((Name(root, file), File.ReadAllBytes(file)));
            string folder = Path.Combine(output, target);
            Directory.CreateDirectory(folder);
            foreach (var (name, bytes) in list)
                File.WriteAllBytes(Path.Combine(folder, name), bytes);
            Console.WriteLine($"{target,-12} {list.Count,3} seeds in {folder}");
        }
        return 0;
    }

    private static IEnumerable<string> Files(string root, string pattern, params string[] folders)
    {
        foreach (string folder in folders)
            if (Directory.Exists(folder))
                foreach (string file in Directory.EnumerateFiles(folder, pattern, SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                    yield return file;
    }

    /// <summary>A flat file name that says where the seed came from: tests_Fixtures_images_png_ct0_1bit.png.</summary>
    private static string Name(string root, string file) => Path.GetRelativePath(root, file).Replace('/', '_').Replace('\\', '_');

    /// <summary>The file's smallest tensors (real names, dtypes, shapes and bytes) up to 4 KB of data, packed one after
    /// the other in their original order, with the file's <c>__metadata__</c>; null when no tensor is that small.</summary>
    private static byte[]? SmallSafetensors(string file)
    {
        using var stream = File.OpenRead(file);
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength <= 0 || headerLength > 1 << 24)
            return null;
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        var source = JsonNode.Parse(header)!.AsObject();
        var entries = new List<(string Name, JsonNode Entry, long Begin, long End)>();
        foreach (var (name, entry) in source)
        {
            if (name == "__metadata__")
                continue;
            var offsets = entry!["data_offsets"]!.AsArray();
            entries.Add((name, entry, offsets[0]!.GetValue<long>(), offsets[1]!.GetValue<long>()));
        }
        var picked = new List<(string Name, JsonNode Entry, long Begin, long End)>();
        long total = 0;
        foreach (var entry in entries.OrderBy(e => e.End - e.Begin).ThenBy(e => e.Begin))
        {
            if (total + entry.End - entry.Begin > SafetensorsDataBytes)
                break;
            picked.Add(entry);
            total += entry.End - entry.Begin;
        }
        if (picked.Count == 0)
            return null;

        var kept = new JsonObject();
        if (source["__metadata__"] is { } metadata)
            kept["__metadata__"] = metadata.DeepClone();
        var data = new MemoryStream();
        foreach (var (name, entry, begin, end) in picked.OrderBy(e => e.Begin))
        {
            var copy = entry.DeepClone().AsObject();
            copy["data_offsets"] = new JsonArray(data.Length, data.Length + end - begin);
            kept[name] = copy;
            var bytes = new byte[end - begin];
            stream.Position = 8 + headerLength + begin;
            stream.ReadExactly(bytes);
            data.Write(bytes);
        }
        byte[] json = Encoding.UTF8.GetBytes(kept.ToJsonString());
        var result = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)json.Length);
        json.CopyTo(result, 8);
        data.ToArray().CopyTo(result, 8 + json.Length);
        return result;
    }

    private static string? ChatTemplate(string tokenizerConfig)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(tokenizerConfig));
        return document.RootElement.TryGetProperty("chat_template", out var template) && template.ValueKind == JsonValueKind.String
            ? template.GetString()
            : null;
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
            gzip.Write(bytes);
        return output.ToArray();
    }
}
