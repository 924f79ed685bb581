using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DeepSeek.Sdk.Reasoning.Tests;

/// <summary>
/// Writes a small byte-level BPE tokenizer (tokenizer.json + tokenizer_config.json) that fits the 320-token
/// vocabulary of the random fixture models, with DeepSeek's chat tokens and R1's chat template. Ids:
/// 0 BOS, 1 EOS, 2 &lt;｜User｜&gt;, 3 &lt;｜Assistant｜&gt;, 4 &lt;think&gt; and 5 &lt;/think&gt; (added tokens, as
/// in DeepSeek-R1's tokenizer, or left unused so the tags are BPE pieces, as in DeepSeek-V3's), 6..261 the
/// 256 bytes, 262..319 merges.
/// </summary>
internal static class TinyR1Tokenizer
{
    public const int VocabularySize = 320;

    /// <summary>The assistant and generation-prompt parts of DeepSeek-R1's published chat template
    /// (deepseek-ai/DeepSeek-R1 tokenizer_config.json; tool calls left out): earlier answers are cut to the text
    /// after their last &lt;/think&gt;, and the generation prompt opens the trace.</summary>
    public const string R1Template =
        "{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}" +
        "{% set ns = namespace(system_prompt='') %}" +
        "{%- for message in messages %}{%- if message['role'] == 'system' %}{% set ns.system_prompt = message['content'] %}{%- endif %}{%- endfor %}" +
        "{{bos_token}}{{ns.system_prompt}}" +
        "{%- for message in messages %}" +
        "{%- if message['role'] == 'user' %}{{'<｜User｜>' + message['content']}}{%- endif %}" +
        "{%- if message['role'] == 'assistant' and message['content'] is not none %}{% set content = message['content'] %}" +
        "{% if '</think>' in content %}{% set content = content.split('</think>')[-1] %}{% endif %}" +
        "{{'<｜Assistant｜>' + content + '<｜end▁of▁sentence｜>'}}{%- endif %}" +
        "{%- endfor -%}" +
        "{% if add_generation_prompt %}{{'<｜Assistant｜><think>\\n'}}{% endif %}";

    // tokenizers (serde_json), like our reader, rejects a byte-order mark.
    private static readonly UTF8Encoding NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public const string Bos = "<｜begin▁of▁sentence｜>";
    public const string Eos = "<｜end▁of▁sentence｜>";

    // Pairs merged in order: "think" and "</" become single pieces, then common English pairs fill the 320 ids.
    private static readonly (string Left, string Right)[] Merges =
    [
        ("t", "h"), ("i", "n"), ("th", "in"), ("thin", "k"), ("<", "/"), ("Ġ", "t"), ("e", "r"), ("a", "n"),
        ("Ġ", "a"), ("Ġt", "h"), ("Ġth", "e"), ("o", "n"), ("r", "e"), ("e", "s"), ("Ġ", "s"), ("Ċ", "Ċ"),
        ("i", "s"), ("Ġ", "i"), ("Ġi", "s"), ("a", "t"), ("o", "r"), ("e", "n"), ("Ġ", "w"), ("l", "e"),
        ("Ġ", "b"), ("Ġ", "c"), ("Ġ", "d"), ("Ġ", "e"), ("Ġ", "f"), ("Ġ", "g"), ("Ġ", "h"), ("Ġ", "j"),
        ("Ġ", "k"), ("Ġ", "l"), ("Ġ", "m"), ("Ġ", "n"), ("Ġ", "o"), ("Ġ", "p"), ("Ġ", "q"), ("Ġ", "r"),
        ("Ġ", "u"), ("Ġ", "v"), ("Ġ", "x"), ("Ġ", "y"), ("Ġ", "z"), ("o", "u"), ("i", "t"), ("a", "l"),
        ("a", "r"), ("s", "t"), ("n", "d"), ("l", "l"), ("Ġ", "T"), ("e", "d"), ("i", "c"), ("o", "f"),
        ("Ġ", "2"), ("Ġ", "4"),
    ];

    /// <summary>Writes the two files into <paramref name="directory"/>.</summary>
    /// <param name="thinkTagsAreAddedTokens">True for R1's tokenizer (the tags are single added tokens); false
    /// for V3's (they are split into pieces: "&lt;/", "think", "&gt;").</param>
    /// <param name="chatTemplate">The chat template; R1's when null.</param>
    public static void Write(string directory, bool thinkTagsAreAddedTokens = true, string? chatTemplate = null)
    {
        char[] byteToChar = ByteToChar();
        var vocab = new JsonObject();
        var added = new JsonArray();
        void Added(int id, string content, bool special) => added.Add(new JsonObject
        {
            ["id"] = id, ["content"] = content, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false,
            ["normalized"] = false, ["special"] = special,
        });
        Added(0, Bos, true);
        Added(1, Eos, true);
        Added(2, "<｜User｜>", false);
        Added(3, "<｜Assistant｜>", false);
        if (thinkTagsAreAddedTokens)
        {
            Added(4, ReasoningTraceParser.OpenTag, false);
            Added(5, ReasoningTraceParser.CloseTag, false);
        }
        foreach (var token in added) vocab[(string)token!["content"]!] = (int)token["id"]!;
        for (int b = 0; b < 256; b++) vocab[byteToChar[b].ToString()] = 6 + b;
        var merges = new JsonArray();
        int next = 262;
        foreach (var (left, right) in Merges)
        {
            vocab[left + right] = next++;
            merges.Add($"{left} {right}");
        }
        if (next != VocabularySize) throw new InvalidOperationException($"The merges fill {next} ids, not the fixture's {VocabularySize}.");

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
        var config = new JsonObject
        {
            ["add_bos_token"] = false,
            ["add_eos_token"] = false,
            ["bos_token"] = Bos,
            ["eos_token"] = Eos,
            ["tokenizer_class"] = "LlamaTokenizerFast",
            ["chat_template"] = chatTemplate ?? R1Template,
        };
        var options = new JsonSerializerOptions { WriteIndented = true };
        File.WriteAllText(Path.Combine(directory, "tokenizer.json"), tokenizer.ToJsonString(options), NoBom);
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), config.ToJsonString(options), NoBom);
    }

    /// <summary>GPT-2's printable stand-ins for the 256 byte values (openai/gpt-2 encoder.py, bytes_to_unicode).</summary>
    private static char[] ByteToChar()
    {
        var table = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[b] = printable ? (char)b : (char)next++;
        }
        return table;
    }
}
