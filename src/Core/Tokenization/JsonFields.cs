using System.Text.Json;

namespace DeepSeek.Sdk.Tokenization;

/// <summary>
/// Strict field access for tokenizer files: every failure is a <see cref="TokenizerFormatException"/>
/// naming the file and the JSON path of the field.
/// </summary>
internal static class JsonFields
{
    public static JsonElement Required(JsonElement obj, string name, string file, string path)
    {
        if (obj.ValueKind != JsonValueKind.Object)
            throw new TokenizerFormatException($"{file}: {path} must be an object, found {obj.ValueKind}.");
        if (!obj.TryGetProperty(name, out var value))
            throw new TokenizerFormatException($"{file}: {path}.{name} is missing.");
        return value;
    }

    public static JsonElement Required(JsonElement obj, string name, JsonValueKind kind, string file, string path)
    {
        var value = Required(obj, name, file, path);
        if (value.ValueKind != kind)
            throw new TokenizerFormatException($"{file}: {path}.{name} must be {kind}, found {value.ValueKind}.");
        return value;
    }

    public static string RequiredString(JsonElement obj, string name, string file, string path) =>
        Required(obj, name, JsonValueKind.String, file, path).GetString()!;

    public static bool OptionalBool(JsonElement obj, string name, bool fallback, string file, string path)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return fallback;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new TokenizerFormatException($"{file}: {path}.{name} must be a boolean, found {value.ValueKind}."),
        };
    }

    public static string? OptionalString(JsonElement obj, string name, string file, string path)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.String)
            throw new TokenizerFormatException($"{file}: {path}.{name} must be a string, found {value.ValueKind}.");
        return value.GetString();
    }

    public static int RequiredInt(JsonElement obj, string name, string file, string path)
    {
        var value = Required(obj, name, JsonValueKind.Number, file, path);
        if (!value.TryGetInt32(out int result) || result < 0)
            throw new TokenizerFormatException($"{file}: {path}.{name} must be a non-negative 32-bit integer, found {value.GetRawText()}.");
        return result;
    }
}
