// Shared by every test project (compiled into each through tests/Directory.Build.props).
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DeepSeek.Sdk.Tests;

/// <summary>A small but complete byte-level BPE tokenizer (GPT-2 byte alphabet, a few dozen merges, DeepSeek-V3's
/// special tokens and chat template) for end-to-end tests on the reference fixture models, which ship without a
/// tokenizer and have 320-token vocabularies. Ids: 0 BOS, 1 EOS, 2 &lt;｜User｜&gt;, 3 &lt;｜Assistant｜&gt;, 4..98 the
/// printable ASCII bytes, 99..259 the other bytes, 260.. the merges; at most 320 ids in all.</summary>
internal static class TinyTokenizer
{
    public const int BosId = 0;
    public const int EosId = 1;
    public const string Bos = "<｜begin▁of▁sentence｜>";
    public const string Eos = "<｜end▁of▁sentence｜>";
    public const int FirstByteId = 4;

    private static readonly string[] s_specials = [Bos, Eos, "<｜User｜>", "<｜Assistant｜>"];

    // Pieces built by successive merges; each merge joins two pieces already in the vocabulary.
    private static readonly (string Left, string Right)[] s_merges =
    [
        ("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("i", "n"), ("e", "r"), ("a", "n"), ("Ġ", "a"), ("o", "n"),
        ("r", "e"), ("Ġ", "s"), ("e", "s"), ("o", "r"), ("Ġ", "w"), ("e", "n"), ("a", "t"), ("Ġ", "o"),
        ("i", "s"), ("Ġ", "i"), ("l", "l"), ("Ġ", "h"), ("Ġ", "c"), ("Ġ", "b"), ("e", "d"), ("i", "t"),
        ("Ġ", "f"), ("a", "r"), ("o", "u"), ("Ġ", "m"), ("l", "o"), ("Ġ", "d"), ("in", "g"), ("Ġ", "p"),
        ("H", "e"), ("He", "ll"), ("Hell", "o"), ("w", "or"), ("wor", "l"), ("worl", "d"), ("Ġ", "world"), ("Ġ", "Hello"),
    ];

    /// <summary>Writes tokenizer.json and tokenizer_config.json (with DeepSeek-V3's chat template, read from the
    /// shipped fixture) into <paramref name="directory"/>.</summary>
    public static void WriteTo(string directory, bool withChatTemplate = true)
    {
        var vocab = new JsonObject();
        int id = FirstByteId;
        var alphabet = ByteAlphabet();
        for (int b = 0x20; b < 0x7F; b++) vocab[alphabet[b]] = id++;
        for (int b = 0; b < 256; b++)
            if (b is < 0x20 or >= 0x7F) vocab[alphabet[b]] = id++;
        var merges = new JsonArray();
        foreach (var (left, right) in s_merges)
        {
            vocab[left + right] = id++;
            merges.Add($"{left} {right}");
        }

        var added = new JsonArray();
        for (int i = 0; i < s_specials.Length; i++)
            added.Add(new JsonObject { ["id"] = i, ["content"] = s_specials[i], ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = true });

        var tokenizer = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = added,
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true },
            ["post_processor"] = null,
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
            ["model"] = new JsonObject { ["type"] = "BPE", ["vocab"] = vocab, ["merges"] = merges },
        };
        File.WriteAllText(Path.Combine(directory, "tokenizer.json"), tokenizer.ToJsonString());

        var config = new JsonObject
        {
            ["add_bos_token"] = true,
            ["add_eos_token"] = false,
            ["bos_token"] = Bos,
            ["eos_token"] = Eos,
        };
        if (withChatTemplate) config["chat_template"] = DeepSeekV3ChatTemplate();
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), config.ToJsonString());
    }

    /// <summary>A copy of <c>Fixtures/oracle/{fixture}</c> in <paramref name="directory"/> with this tokenizer beside it.</summary>
    public static string CopyFixtureWithTokenizer(string fixture, string directory, bool withChatTemplate = true)
    {
        string source = Path.Combine(AppContext.BaseDirectory, "Fixtures", "oracle", fixture);
        foreach (string file in new[] { "config.json", "model.safetensors" })
            File.Copy(Path.Combine(source, file), Path.Combine(directory, file));
        WriteTo(directory, withChatTemplate);
        return directory;
    }

    private static string DeepSeekV3ChatTemplate()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "tokenizers", "deepseek_v3.tokenizer_config.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.GetProperty("chat_template").GetString()!;
    }

    // GPT-2's bytes_to_unicode: printable bytes stand for themselves, the rest map to U+0100 onwards.
    private static string[] ByteAlphabet()
    {
        var result = new string[256];
        int next = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            result[b] = ((char)(printable ? b : 256 + next++)).ToString();
        }
        return result;
    }
}
