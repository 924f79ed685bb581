using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace DeepSeek.Sdk.Configs;

/// <summary>Reads the JSON of a model folder's config files (config.json, generation_config.json,
/// preprocessor_config.json) into a document, turning every way the bytes can be wrong into a
/// <see cref="ConfigException"/> that names the file.</summary>
public static class ConfigDocument
{
    /// <summary>Parses a config file's bytes. UTF-8 is checked up front: JsonDocument checks a string's encoding
    /// only when the string is read, where it would throw an untyped InvalidOperationException.</summary>
    public static JsonDocument Parse(ReadOnlySpan<byte> utf8Json, string sourcePath)
    {
        if (!Utf8.IsValid(utf8Json))
            throw new ConfigException($"not valid UTF-8 (at byte {FirstInvalidUtf8(utf8Json)})", sourcePath);
        try
        {
            return JsonDocument.Parse(utf8Json.ToArray());
        }
        catch (JsonException e)
        {
            throw new ConfigException($"not valid JSON ({e.Message})", sourcePath, null, e);
        }
    }

    /// <summary>A string value's text, or a <see cref="ConfigException"/> naming <paramref name="field"/> where the
    /// value escapes half a surrogate pair (valid JSON, but no text; System.Text.Json finds out only when asked).</summary>
    public static string Text(JsonElement value, string sourcePath, string field)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigException($"is not valid text ({e.Message})", sourcePath, field, e);
        }
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        int offset = 0;
        while (offset < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[offset..], out _, out int consumed) != OperationStatus.Done) return offset;
            offset += consumed;
        }
        return offset;
    }
}
