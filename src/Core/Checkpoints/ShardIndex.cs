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

    public static ShardIndex Load(string filePath)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(filePath));
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"index is not valid JSON ({e.Message})", filePath, null, e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new CheckpointException($"index must be a JSON object, got {root.ValueKind}", filePath);
            if (!root.TryGetProperty("weight_map", out var map))
                throw new CheckpointException("index has no 'weight_map'", filePath);
            if (map.ValueKind != JsonValueKind.Object)
                throw new CheckpointException($"'weight_map' must be an object of file names, got {map.ValueKind}", filePath);
            var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in map.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.String)
                    throw new CheckpointException($"'weight_map' value must be a file name, got {entry.Value.ValueKind}", filePath, entry.Name);
                string shard = entry.Value.GetString()!;
                // Shards live next to the index; a path that leaves the directory is refused.
                if (shard.Length == 0 || shard != Path.GetFileName(shard) || shard is "." or "..")
                    throw new CheckpointException($"shard '{shard}' must be a plain file name in the index's directory", filePath, entry.Name);
                if (!weightMap.TryAdd(entry.Name, shard))
                    throw new CheckpointException("tensor appears twice in 'weight_map'", filePath, entry.Name);
            }
            return new ShardIndex(filePath, weightMap);
        }
    }
}
