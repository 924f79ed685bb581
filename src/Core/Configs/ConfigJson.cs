using System.Text.Json;

namespace DeepSeek.Sdk.Configs;

/// <summary>Strict, typed access to one JSON object of a config file. Unknown fields are ignored (configs carry
/// many training-only fields); known fields must have the right JSON type, and numbers meant as integers
/// must be integers, and sizes must lie within the <see cref="ConfigLimits"/> the reader was given. Every failure is a
/// <see cref="ConfigException"/> naming the file and the dotted field.</summary>
internal readonly struct ConfigJson
{
    private readonly JsonElement _object;

    public ConfigJson(JsonElement value, string filePath, string prefix, ConfigLimits? limits = null)
    {
        FilePath = filePath;
        Prefix = prefix;
        Limits = limits ?? ConfigLimits.Default;
        if (value.ValueKind != JsonValueKind.Object)
            throw new ConfigException($"must be a JSON object, got {value.ValueKind}", filePath, prefix.Length == 0 ? null : prefix);
        _object = value;
    }

    public string FilePath { get; }

    public string Prefix { get; }

    public ConfigLimits Limits { get; }

    public string FieldName(string name) => Prefix.Length == 0 ? name : Prefix + "." + name;

    public ConfigException Error(string name, string message) => new(message, FilePath, FieldName(name));

    /// <summary>The field's value, or null when it is absent or JSON null.</summary>
    public JsonElement? Find(string name) =>
        _object.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public bool Has(string name) => Find(name) is not null;

    public int RequiredInt(string name) => Find(name) is { } v ? AsInt(name, v) : throw Error(name, "is required");

    public int Int(string name, int fallback) => Find(name) is { } v ? AsInt(name, v) : fallback;

    public int? NullableInt(string name) => Find(name) is { } v ? AsInt(name, v) : null;

    public int PositiveInt(string name) => Positive(name, RequiredInt(name));

    public int PositiveInt(string name, int fallback) => Positive(name, Int(name, fallback));

    /// <summary>A required size in 1..<paramref name="limit"/>.</summary>
    public int Size(string name, ConfigLimit limit) => Bounded(name, PositiveInt(name), limit);

    /// <summary>A size in 1..<paramref name="limit"/>, <paramref name="fallback"/> when absent.</summary>
    public int Size(string name, int fallback, ConfigLimit limit) => Bounded(name, PositiveInt(name, fallback), limit);

    /// <summary>A size in 1..<paramref name="limit"/> or null when absent.</summary>
    public int? NullableSize(string name, ConfigLimit limit) =>
        NullableInt(name) is { } value ? Bounded(name, Positive(name, value), limit) : null;

    /// <summary>Fails on <paramref name="name"/> unless <paramref name="value"/> (a field, or a product of fields
    /// computed in 64 bits and described by <paramref name="what"/>) is at most the limit.</summary>
    public int Bounded(string name, long value, ConfigLimit limit, string? what = null) =>
        value <= limit.Max
            ? (int)value
            : throw Error(name, $"{(what is null ? "" : what + " = ")}{value} exceeds the limit {limit}");

    public double Double(string name, double fallback) => Find(name) is { } v ? AsDouble(name, v) : fallback;

    public double? NullableDouble(string name) => Find(name) is { } v ? AsDouble(name, v) : null;

    /// <summary>A normalization epsilon: the kernels add it in float32, so it must stay positive there (1e-50 would
    /// round to 0 and divide by zero on a zero row), and below 1 (published models use 1e-6 and 1e-5).</summary>
    public double Epsilon(string name, double fallback)
    {
        double eps = Double(name, fallback);
        return (float)eps > 0 && eps < 1 ? eps : throw Error(name, $"must be positive, representable in float32 and below 1, got {eps}");
    }

    public bool Bool(string name, bool fallback)
    {
        if (Find(name) is not { } v) return fallback;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(name, $"must be true or false, got {v.GetRawText()}"),
        };
    }

    public string? String(string name)
    {
        if (Find(name) is not { } v) return null;
        return v.ValueKind == JsonValueKind.String ? Text(v, name) : throw Error(name, $"must be a string, got {v.GetRawText()}");
    }

    /// <summary>A string value's text (<see cref="ConfigDocument.Text"/>).</summary>
    public string Text(JsonElement value, string name) => ConfigDocument.Text(value, FilePath, FieldName(name));

    public string RequiredString(string name) => String(name) ?? throw Error(name, "is required");

    /// <summary>An integer or a list of integers (eos_token_id is either); empty when absent.</summary>
    public IReadOnlyList<int> IntOrIntList(string name)
    {
        if (Find(name) is not { } v) return [];
        if (v.ValueKind == JsonValueKind.Number) return [AsInt(name, v)];
        return IntList(name, v);
    }

    public IReadOnlyList<int> IntList(string name)
    {
        if (Find(name) is not { } v) throw Error(name, "is required");
        return IntList(name, v);
    }

    public ConfigJson? Object(string name) => Find(name) is { } v ? new ConfigJson(v, FilePath, FieldName(name), Limits) : null;

    public ConfigJson RequiredObject(string name) => Object(name) ?? throw Error(name, "is required");

    private int[] IntList(string name, JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Array) throw Error(name, $"must be an integer or a list of integers, got {v.GetRawText()}");
        var result = new int[v.GetArrayLength()];
        int i = 0;
        foreach (var item in v.EnumerateArray())
            result[i++] = item.ValueKind == JsonValueKind.Number && item.TryGetInt32(out int x)
                ? x : throw Error(name, $"entry {i} must be an integer, got {item.GetRawText()}");
        return result;
    }

    private int AsInt(string name, JsonElement v) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int x) ? x : throw Error(name, $"must be an integer, got {v.GetRawText()}");

    private double AsDouble(string name, JsonElement v) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double x) && double.IsFinite(x)
            ? x : throw Error(name, $"must be a finite number, got {v.GetRawText()}");

    private int Positive(string name, int value) => value > 0 ? value : throw Error(name, $"must be positive, got {value}");
}
