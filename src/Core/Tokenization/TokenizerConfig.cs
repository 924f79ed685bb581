using System.Text.Json;
using static DeepSeek.Sdk.Tokenization.JsonFields;

namespace DeepSeek.Sdk.Tokenization;

/// <summary>
/// What tokenizer_config.json (the transformers side of a tokenizer) adds to tokenizer.json: the
/// names of the special tokens, whether BOS/EOS are added, and the chat template source(s).
/// </summary>
/// <param name="File">the file's name, for messages</param>
internal sealed record TokenizerConfig(
    string File,
    string? BosToken,
    string? EosToken,
    string? PadToken,
    string? UnkToken,
    bool? AddBosToken,
    bool? AddEosToken,
    IReadOnlyDictionary<string, string> ChatTemplates)
{
    public static readonly TokenizerConfig Empty = new("tokenizer_config.json", null, null, null, null, null, null, new Dictionary<string, string>());

    public static TokenizerConfig Read(ReadOnlyMemory<byte> json, string file)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new TokenizerFormatException($"{file}: not valid JSON ({e.Message}).", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new TokenizerFormatException($"{file}: $ must be an object.");
            try
            {
                return Read(root, file);
            }
            catch (InvalidOperationException e) when (e.Source == "System.Text.Json")
            {
                // Property names are unescaped when compared; one holding a lone surrogate escape throws there.
                throw new TokenizerFormatException($"{file}: holds a name that is not valid Unicode text ({e.Message})", e);
            }
        }
    }

    private static TokenizerConfig Read(JsonElement root, string file) =>
        new(
            file,
            SpecialToken(root, "bos_token", file),
            SpecialToken(root, "eos_token", file),
            SpecialToken(root, "pad_token", file),
            SpecialToken(root, "unk_token", file),
            root.TryGetProperty("add_bos_token", out _) ? OptionalBool(root, "add_bos_token", false, file, "$") : null,
            root.TryGetProperty("add_eos_token", out _) ? OptionalBool(root, "add_eos_token", false, file, "$") : null,
            ChatTemplatesOf(root, file));

    /// <summary>A special token written as a string, as null, or as a serialized AddedToken object.</summary>
    private static string? SpecialToken(JsonElement root, string name, string file)
    {
        if (!root.TryGetProperty(name, out var value))
            return null;
        return value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => Text(value, file, $"$.{name}"),
            JsonValueKind.Object => RequiredString(value, "content", file, $"$.{name}"),
            _ => throw new TokenizerFormatException($"{file}: $.{name} must be a string, null or an AddedToken object, found {value.ValueKind}."),
        };
    }

    /// <summary>
    /// chat_template is one template (named "default"), or a list of {name, template} as
    /// transformers writes when a model has several (e.g. "default" and "tool_use").
    /// </summary>
    private static Dictionary<string, string> ChatTemplatesOf(JsonElement root, string file)
    {
        var templates = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!root.TryGetProperty("chat_template", out var value) || value.ValueKind == JsonValueKind.Null)
            return templates;
        if (value.ValueKind == JsonValueKind.String)
        {
            templates["default"] = Text(value, file, "$.chat_template");
            return templates;
        }
        if (value.ValueKind != JsonValueKind.Array)
            throw new TokenizerFormatException($"{file}: $.chat_template must be a string or a list of {{name, template}}.");
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            string where = $"$.chat_template[{i++}]";
            string name = RequiredString(item, "name", file, where);
            if (!templates.TryAdd(name, RequiredString(item, "template", file, where)))
                throw new TokenizerFormatException($"{file}: {where}.name {Show(name)} appears twice.");
        }
        return templates;
    }
}
