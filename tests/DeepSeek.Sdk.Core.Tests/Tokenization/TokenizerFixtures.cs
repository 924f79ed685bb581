using System.Collections.Concurrent;
using System.Text.Json;
using DeepSeek.Sdk.Tokenization;

namespace DeepSeek.Sdk.Core.Tests.Tokenization;

/// <summary>
/// The published tokenizers under Fixtures/tokenizers (gzip-compressed tokenizer.json plus
/// tokenizer_config.json) and the reference encodings of Fixtures/oracle/tokenizers/encodings.json,
/// recorded with huggingface/tokenizers (version in its "reference" field). Loaded once per run.
/// </summary>
internal static class TokenizerFixtures
{
    public static readonly string[] Names = ["deepseek_v3", "qwen3", "llama3_1"];

    private static readonly ConcurrentDictionary<string, Lazy<Tokenizer>> Loaded = new();
    private static readonly Lazy<ReferenceEncodings> Encodings = new(ReadEncodings);

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "tokenizers");

    public static string JsonPath(string name) => Path.Combine(Directory, $"{name}.tokenizer.json.gz");

    public static string ConfigPath(string name) => Path.Combine(Directory, $"{name}.tokenizer_config.json");

    public static Tokenizer Load(string name) =>
        Loaded.GetOrAdd(name, static n => new Lazy<Tokenizer>(() => Tokenizer.FromFiles(JsonPath(n), ConfigPath(n)))).Value;

    public static ReferenceEncodings Reference => Encodings.Value;

    public static TheoryData<string> TokenizerNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Names)
            data.Add(name);
        return data;
    }

    private static ReferenceEncodings ReadEncodings()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "oracle", "tokenizers", "encodings.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        var texts = new List<string>();
        foreach (var text in root.GetProperty("texts").EnumerateArray())
            texts.Add(text.GetString()!);
        var ids = new Dictionary<string, int[][]>();
        var roundTrips = new Dictionary<string, bool[]>();
        foreach (var tokenizer in root.GetProperty("encodings").EnumerateObject())
        {
            var lists = new List<int[]>();
            foreach (var list in tokenizer.Value.GetProperty("ids").EnumerateArray())
            {
                var one = new List<int>();
                foreach (var id in list.EnumerateArray())
                    one.Add(id.GetInt32());
                lists.Add([.. one]);
            }
            var ok = new List<bool>();
            foreach (var flag in tokenizer.Value.GetProperty("decoded_ok").EnumerateArray())
                ok.Add(flag.GetBoolean());
            ids[tokenizer.Name] = [.. lists];
            roundTrips[tokenizer.Name] = [.. ok];
        }
        return new ReferenceEncodings(root.GetProperty("reference").GetString()!, [.. texts], ids, roundTrips);
    }
}

/// <summary>Texts, and per tokenizer the reference ids of each text and whether decode(encode(text)) == text.</summary>
internal sealed record ReferenceEncodings(
    string Reference,
    string[] Texts,
    IReadOnlyDictionary<string, int[][]> Ids,
    IReadOnlyDictionary<string, bool[]> RoundTrips);
