using System.Text.Json;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Checkpoints;

/// <summary>The parsed JSON header of a safetensors file. Layout (huggingface/safetensors, docs "Format"):
/// 8 bytes little-endian u64 N, then N bytes of UTF-8 JSON mapping each tensor name to
/// <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (offsets relative to the byte after the header),
/// plus an optional <c>"__metadata__"</c> string-to-string map; then the data section.</summary>
public sealed class SafetensorsHeader
{
    /// <summary>The largest header accepted. The reference library caps it at 100 MB as well
    /// (safetensors/src/tensor.rs, MAX_HEADER_SIZE); a larger value is a corrupt or hostile file.</summary>
    public const long MaxHeaderLength = 100_000_000;

    public const string MetadataKey = "__metadata__";

    private SafetensorsHeader(List<TensorInfo> tensors, Dictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>Entries in the order their data appears in the file.</summary>
    public IReadOnlyList<TensorInfo> Tensors { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Parses and validates a header whose data section holds <paramref name="dataLength"/> bytes.
    /// Every violation throws <see cref="SafetensorsFormatException"/> naming <paramref name="filePath"/>
    /// and, where it applies, the tensor.</summary>
    public static SafetensorsHeader Parse(ReadOnlySpan<byte> json, long dataLength, string filePath)
    {
        // JsonDocument checks UTF-8 in values as it parses but in property names only when read; check it all first.
        if (!System.Text.Unicode.Utf8.IsValid(json))
            throw new SafetensorsFormatException("header is not valid UTF-8 JSON (invalid UTF-8 bytes)", filePath);
        JsonDocument document;
        try
        {
            // JsonDocument rejects invalid UTF-8, comments and trailing commas: the header must be plain JSON.
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException($"header is not valid UTF-8 JSON ({e.Message})", filePath, null, e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new SafetensorsFormatException($"header must be a JSON object, got {root.ValueKind}", filePath);

            var tensors = new List<TensorInfo>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            bool sawMetadata = false;
            foreach (var property in root.EnumerateObject())
            {
                string name = property.Name;
                if (name == MetadataKey)
                {
                    if (sawMetadata) throw new SafetensorsFormatException("header has two __metadata__ entries", filePath);
                    sawMetadata = true;
                    ReadMetadata(property.Value, metadata, filePath);
                    continue;
                }
                if (!seen.Add(name))
                    throw new SafetensorsFormatException("tensor appears twice in the header", filePath, name);
                tensors.Add(ReadEntry(name, property.Value, dataLength, filePath));
            }

            tensors.Sort(static (a, b) => a.DataBegin != b.DataBegin ? a.DataBegin.CompareTo(b.DataBegin) : a.DataEnd.CompareTo(b.DataEnd));
            for (int i = 1; i < tensors.Count; i++)
            {
                // Gaps are tolerated (a writer may align tensors); shared bytes are not.
                if (tensors[i].DataBegin < tensors[i - 1].DataEnd)
                    throw new SafetensorsFormatException(
                        $"data_offsets [{tensors[i].DataBegin}, {tensors[i].DataEnd}] overlap tensor '{tensors[i - 1].Name}' at [{tensors[i - 1].DataBegin}, {tensors[i - 1].DataEnd}]",
                        filePath, tensors[i].Name);
            }
            return new SafetensorsHeader(tensors, metadata);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string filePath)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafetensorsFormatException($"__metadata__ must be an object of strings, got {value.ValueKind}", filePath);
        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw new SafetensorsFormatException($"__metadata__ value of '{entry.Name}' must be a string, got {entry.Value.ValueKind}", filePath);
            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
                throw new SafetensorsFormatException($"__metadata__ key '{entry.Name}' appears twice", filePath);
        }
    }

    private static TensorInfo ReadEntry(string name, JsonElement entry, long dataLength, string filePath)
    {
        if (entry.ValueKind != JsonValueKind.Object)
            throw new SafetensorsFormatException($"entry must be an object, got {entry.ValueKind}", filePath, name);

        JsonElement? dtypeElement = null, shapeElement = null, offsetsElement = null;
        foreach (var field in entry.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype" when dtypeElement is null: dtypeElement = field.Value; break;
                case "shape" when shapeElement is null: shapeElement = field.Value; break;
                case "data_offsets" when offsetsElement is null: offsetsElement = field.Value; break;
                case "dtype" or "shape" or "data_offsets":
                    throw new SafetensorsFormatException($"field '{field.Name}' appears twice", filePath, name);
                default:
                    throw new SafetensorsFormatException($"unknown field '{field.Name}' (expected dtype, shape, data_offsets)", filePath, name);
            }
        }

        var dtype = ReadDType(name, dtypeElement, filePath);
        var shape = ReadShape(name, shapeElement, filePath);
        var (begin, end) = ReadOffsets(name, offsetsElement, filePath);

        if (end > dataLength)
            throw new SafetensorsFormatException(
                $"data_offsets [{begin}, {end}] end beyond the {dataLength}-byte data section", filePath, name);

        long elements = 1;
        foreach (int d in shape.Dims)
        {
            if (d != 0 && elements > long.MaxValue / d / dtype.SizeOf())
                throw new SafetensorsFormatException($"shape {shape} overflows a 64-bit byte count", filePath, name);
            elements *= d;
        }
        long expectedBytes = elements * dtype.SizeOf();
        if (end - begin != expectedBytes)
            throw new SafetensorsFormatException(
                $"data_offsets [{begin}, {end}] span {end - begin} bytes but {dtype.SafetensorsName()} {shape} needs {expectedBytes}",
                filePath, name);
        return new TensorInfo(name, dtype, shape, begin, end, filePath);
    }

    private static DType ReadDType(string name, JsonElement? element, string filePath)
    {
        if (element is not { } e)
            throw new SafetensorsFormatException("entry has no 'dtype'", filePath, name);
        if (e.ValueKind != JsonValueKind.String)
            throw new SafetensorsFormatException($"'dtype' must be a string, got {e.ValueKind}", filePath, name);
        string text = e.GetString()!;
        if (!DTypes.TryParseSafetensors(text, out var dtype))
            throw new SafetensorsFormatException($"unknown dtype '{text}'", filePath, name);
        return dtype;
    }

    private static Shape ReadShape(string name, JsonElement? element, string filePath)
    {
        if (element is not { } e)
            throw new SafetensorsFormatException("entry has no 'shape'", filePath, name);
        if (e.ValueKind != JsonValueKind.Array)
            throw new SafetensorsFormatException($"'shape' must be an array of integers, got {e.ValueKind}", filePath, name);
        var dims = new int[e.GetArrayLength()];
        int i = 0;
        foreach (var item in e.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long d))
                throw new SafetensorsFormatException($"'shape' entry {i} must be an integer, got {item.GetRawText()}", filePath, name);
            if (d < 0)
                throw new SafetensorsFormatException($"'shape' entry {i} is negative ({d})", filePath, name);
            if (d > int.MaxValue)
                throw new SafetensorsFormatException($"'shape' entry {i} ({d}) overflows a dimension (max {int.MaxValue})", filePath, name);
            dims[i++] = (int)d;
        }
        return new Shape(dims);
    }

    private static (long Begin, long End) ReadOffsets(string name, JsonElement? element, string filePath)
    {
        if (element is not { } e)
            throw new SafetensorsFormatException("entry has no 'data_offsets'", filePath, name);
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() != 2)
            throw new SafetensorsFormatException($"'data_offsets' must be [begin, end], got {e.GetRawText()}", filePath, name);
        if (!TryGetNonNegative(e[0], out long begin) || !TryGetNonNegative(e[1], out long end))
            throw new SafetensorsFormatException($"'data_offsets' must be two non-negative integers, got {e.GetRawText()}", filePath, name);
        if (begin > end)
            throw new SafetensorsFormatException($"'data_offsets' [{begin}, {end}] has begin after end", filePath, name);
        return (begin, end);
    }

    private static bool TryGetNonNegative(JsonElement element, out long value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out value) && value >= 0;
    }
}
