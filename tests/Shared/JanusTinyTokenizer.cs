// Shared by every test project (compiled into each through tests/Directory.Build.props).
using System.Text.Json.Nodes;

namespace DeepSeek.Sdk.Tests;

/// <summary>A byte-level BPE tokenizer shaped like Janus-Pro's (its special tokens, a handful of merges) that fits the
/// janus_f32 fixture's 300-token vocabulary with &lt;image_placeholder&gt; at the config's image_token_id 299.
/// Ids: 0 BOS, 1 EOS, 2 &lt;｜▁pad▁｜&gt;, 3 &lt;begin_of_image&gt;, 4 &lt;end_of_image&gt;, 5 &lt;|User|&gt;, 6 &lt;|Assistant|&gt;,
/// 7..262 the bytes, 263.. the merges, 299 &lt;image_placeholder&gt;.</summary>
internal static class JanusTinyTokenizer
{
    public const int Bos = 0, Eos = 1, Pad = 2, BeginOfImage = 3, EndOfImage = 4, User = 5, Assistant = 6, ImagePlaceholder = 299;
    private const int FirstByteId = 7;

    private static readonly (int Id, string Content)[] s_specials =
    [
        (Bos, "<｜begin▁of▁sentence｜>"), (Eos, "<｜end▁of▁sentence｜>"), (Pad, "<｜▁pad▁｜>"), (BeginOfImage, "<begin_of_image>"),
        (EndOfImage, "<end_of_image>"), (User, "<|User|>"), (Assistant, "<|Assistant|>"), (ImagePlaceholder, "<image_placeholder>"),
    ];

    private static readonly (string Left, string Right)[] s_merges =
    [
        ("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("i", "n"), ("e", "r"), ("a", "n"), ("Ġ", "a"), ("o", "n"), ("r", "e"), ("Ġ", "s"),
        ("e", "s"), ("o", "r"), ("Ġ", "w"), ("e", "n"), ("a", "t"), ("Ġ", "o"), ("i", "s"), ("Ġ", "i"), ("l", "l"), ("Ġ", "h"),
        ("Ġ", "c"), ("Ġ", "b"), ("e", "d"), ("i", "t"), ("Ġ", "f"), ("a", "r"), ("o", "u"), ("Ġ", "m"), ("l", "o"), ("Ġ", "d"),
    ];

    /// <summary>A copy of the janus_f32 fixture (config, weights, preprocessor and generation configs) with this
    /// tokenizer beside it, in <paramref name="directory"/>.</summary>
    public static string CopyFixtureWithTokenizer(string directory)
    {
        string source = Path.Combine(AppContext.BaseDirectory, "Fixtures", "oracle", "janus_f32");
        foreach (string file in new[] { "config.json", "model.safetensors", "preprocessor_config.json", "generation_config.json" })
            File.Copy(Path.Combine(source, file), Path.Combine(directory, file));
        WriteTo(directory);
        return directory;
    }

    public static void WriteTo(string directory)
    {
        var vocab = new JsonObject();
        int id = FirstByteId;
        var alphabet = ByteAlphabet();
        for (int b = 0; b < 256; b++) vocab[alphabet[b]] = id++;
        var merges = new JsonArray();
        foreach (var (left, right) in s_merges)
        {
            vocab[left + right] = id++;
            merges.Add($"{left} {right}");
        }
        var added = new JsonArray();
        foreach (var (specialId, content) in s_specials)
            added.Add(new JsonObject { ["id"] = specialId, ["content"] = content, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = true });
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
            ["bos_token"] = "<｜begin▁of▁sentence｜>",
            ["eos_token"] = "<｜end▁of▁sentence｜>",
            ["pad_token"] = "<｜▁pad▁｜>",
        };
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), config.ToJsonString());
    }

    // GPT-2's bytes_to_unicode.
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
