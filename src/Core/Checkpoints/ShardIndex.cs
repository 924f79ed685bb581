using System.Text.Json;

namespace DeepSeek.Sdk.Checkpoints;

/// <summary>A <c>model.safetensors.index.json</c>: <c>{"metadata": {...}, "weight_map": {tensor: shard file}}</c>,
/// as transformers' save_pretrained writes for sharded checkpoints.</summary>
public sealed class ShardIndex
{
    public const string FileName = "model.safetensors.index.json";

    private ShardIndex(string filePath, Dictionary<string, string> weightMap)
    {
        FilePath = filePath;
        WeightMap = weightMap;
    }

    public string FilePath { get; }

    /// <summary>Tensor name to shard file name (relative to the index's directory).</summary>
    public IReadOnlyDictionary<string, string> WeightMap { get; }

    /// <summary>Reads an index of at most <see cref="SafetensorsLimits.MaxIndexBytes"/> bytes and
    /// <see cref="SafetensorsLimits.MaxTensors"/> entries, streaming (no document tree), so that a hostile index costs
    /// no more than its own size.</summary>
    public static ShardIndex Load(string filePath, SafetensorsLimits? limits = null)
    {
        limits ??= SafetensorsLimits.Default;
        long length = new FileInfo(filePath).Length;
        if (length > limits.MaxIndexBytes)
            throw new CheckpointException(
                $"index is {length} bytes, over the {limits.MaxIndexBytes}-byte limit (SafetensorsLimits.MaxIndexBytes = {limits.MaxIndexBytes})", filePath);
        byte[] json = File.ReadAllBytes(filePath);
        var reader = new Utf8JsonReader(json);
        try
        {
            // First pass: plain JSON, so that a syntax error is reported as such wherever it is.
            if (!reader.Read()) throw new JsonException("it is empty");
            while (reader.Read()) { }
            reader = new Utf8JsonReader(json);
            return new ShardIndex(filePath, Read(ref reader, filePath, limits));
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"index is not valid JSON ({e.Message})", filePath, null, e);
        }
    }

    private static Dictionary<string, string> Read(ref Utf8JsonReader reader, string filePath, SafetensorsLimits limits)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new CheckpointException($"index must be a JSON object, got {Kind(reader.TokenType)}", filePath);
        Dictionary<string, string>? weightMap = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isMap = reader.ValueTextEquals("weight_map"u8);
            reader.Read();
            if (!isMap)
            {
                reader.Skip();
                continue;
            }
            if (weightMap is not null) throw new CheckpointException("index has two 'weight_map' entries", filePath);
            weightMap = ReadWeightMap(ref reader, filePath, limits);
        }
        return weightMap ?? throw new CheckpointException("index has no 'weight_map'", filePath);
    }

    private static Dictionary<string, string> ReadWeightMap(ref Utf8JsonReader reader, string filePath, SafetensorsLimits limits)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new CheckpointException($"'weight_map' must be an object of file names, got {Kind(reader.TokenType)}", filePath);
        var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
                throw new CheckpointException($"'weight_map' value must be a file name, got {Kind(reader.TokenType)}", filePath, name);
            string shard = reader.GetString()!;
            // Shards live next to the index; a path that leaves the directory is refused.
            if (shard.Length == 0 || shard != Path.GetFileName(shard) || shard is "." or "..")
                throw new CheckpointException($"shard '{shard}' must be a plain file name in the index's directory", filePath, name);
            if (weightMap.Count == limits.MaxTensors)
                throw new CheckpointException($"'weight_map' lists more than {limits.MaxTensors} tensors (SafetensorsLimits.MaxTensors = {limits.MaxTensors})", filePath, name);
            if (!weightMap.TryAdd(name, shard))
                throw new CheckpointException("tensor appears twice in 'weight_map'", filePath, name);
        }
        return weightMap;
    }

    private static string Kind(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "Object",
        JsonTokenType.StartArray => "Array",
        _ => token.ToString(),
    };
}
