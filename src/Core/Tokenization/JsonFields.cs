using System.Text;
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
            throw new TokenizerFormatException($"{file}: {Member(path, name)} is missing.");
        return value;
    }

    public static JsonElement Required(JsonElement obj, string name, JsonValueKind kind, string file, string path)
    {
        var value = Required(obj, name, file, path);
        if (value.ValueKind != kind)
            throw new TokenizerFormatException($"{file}: {Member(path, name)} must be {kind}, found {value.ValueKind}.");
        return value;
    }

    public static string RequiredString(JsonElement obj, string name, string file, string path) =>
        Text(Required(obj, name, JsonValueKind.String, file, path), file, Member(path, name));

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
        return Text(value, file, $"{path}.{name}");
    }

    /// <summary>
    /// The text of a JSON string. System.Text.Json parses a string holding invalid UTF-8 or an escaped lone
    /// surrogate ("\ud800") and only refuses when it is read, with an InvalidOperationException; that is a
    /// defect of the file, reported as one.
    /// </summary>
    public static string Text(JsonElement value, string file, string path)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw new TokenizerFormatException($"{file}: {path} is not valid Unicode text ({e.Message})", e);
        }
    }

    /// <summary>The name of an object's property, checked as <see cref="Text"/> checks values.</summary>
    public static string Name(JsonProperty property, string file, string path)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException e)
        {
            throw new TokenizerFormatException($"{file}: {path} has a key that is not valid Unicode text ({e.Message})", e);
        }
    }

    /// <summary>The JSON path of a member: <c>$.model.vocab</c>, or <c>$.special_tokens["&lt;s&gt;"]</c> for a name
    /// that is not a plain identifier.</summary>
    public static string Member(string path, string name)
    {
        foreach (char c in name)
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
                return $"{path}[{Show(name)}]";
        return name.Length == 0 ? $"{path}[\"\"]" : $"{path}.{name}";
    }

    /// <summary>
    /// Text taken from a file, fit for a one-line message: quoted, control characters escaped, and cut after
    /// <paramref name="max"/> characters (an untrusted string may be megabytes long).
    /// </summary>
    public static string Show(string text, int max = 80)
    {
        var builder = new StringBuilder(Math.Min(text.Length, max) + 8);
        builder.Append('"');
        for (int i = 0; i < text.Length; i++)
        {
            if (i == max)
            {
                builder.Append($"...\" ({text.Length} characters)");
                return builder.ToString();
            }
            char c = text[i];
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                        builder.Append(c).Append(text[++i]);
                    else if (char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029')
                        builder.Append($"\\u{(int)c:x4}");
                    else
                        builder.Append(c);
                    break;
            }
        }
        return builder.Append('"').ToString();
    }
}
