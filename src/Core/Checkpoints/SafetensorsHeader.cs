using System.Text;
using System.Text.Json;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Checkpoints;

/// <summary>The parsed JSON header of a safetensors file. Layout (huggingface/safetensors, docs "Format"):
/// 8 bytes little-endian u64 N, then N bytes of UTF-8 JSON mapping each tensor name to
/// <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (offsets relative to the byte after the header),
/// plus an optional <c>"__metadata__"</c> string-to-string map; then the data section.</summary>
/// <remarks>The header is read with <see cref="Utf8JsonReader"/> straight from the mapping, in two passes: the first
/// checks that it is JSON at all (so a syntax error is reported as such wherever it is), the second builds the
/// entries and stops at the first rule or <see cref="SafetensorsLimits"/> bound broken. No document tree is built:
/// one made of a 100 MB header (a shape of 50 million zeros) took gigabytes and many seconds.</remarks>
public sealed class SafetensorsHeader
{
    /// <summary>The default bound on the header's length (<see cref="SafetensorsLimits.MaxHeaderBytes"/>). The
    /// reference library caps it at 100 MB as well (safetensors/src/tensor.rs, MAX_HEADER_SIZE).</summary>
    public const long MaxHeaderLength = 100_000_000;

    public const string MetadataKey = "__metadata__";

    // Longest excerpt of the header quoted in a message: messages stay one line whatever the file holds.
    private const int MaxQuoted = 80;

    private static readonly JsonReaderOptions s_options = new() { MaxDepth = 64 };

    private SafetensorsHeader(List<TensorInfo> tensors, Dictionary<string, TensorInfo> byName, Dictionary<string, string> metadata)
    {
        Tensors = tensors;
        ByName = byName;
        Metadata = metadata;
    }

    /// <summary>Entries in the order their data appears in the file.</summary>
    public IReadOnlyList<TensorInfo> Tensors { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The entries by tensor name.</summary>
    public IReadOnlyDictionary<string, TensorInfo> ByName { get; }

    /// <summary>Parses and validates a header whose data section holds <paramref name="dataLength"/> bytes.
    /// Every violation throws <see cref="SafetensorsFormatException"/> naming <paramref name="filePath"/>
    /// and, where it applies, the tensor.</summary>
    public static SafetensorsHeader Parse(ReadOnlySpan<byte> json, long dataLength, string filePath, SafetensorsLimits? limits = null)
    {
        limits ??= SafetensorsLimits.Default;
        // The reader checks UTF-8 in string values as it reads them but not in every property name; check it all first.
        if (!System.Text.Unicode.Utf8.IsValid(json))
            throw new SafetensorsFormatException("header is not valid UTF-8 JSON (invalid UTF-8 bytes)", filePath);
        CheckSyntax(json, filePath);

        var reader = new Utf8JsonReader(json, s_options);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new SafetensorsFormatException($"header must be a JSON object, got {Kind(reader.TokenType)}", filePath);

        var tensors = new List<TensorInfo>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var byName = new Dictionary<string, TensorInfo>(StringComparer.Ordinal);
        bool sawMetadata = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            reader.Read();
            if (name == MetadataKey)
            {
                if (sawMetadata) throw new SafetensorsFormatException("header has two __metadata__ entries", filePath);
                sawMetadata = true;
                ReadMetadata(ref reader, metadata, filePath, limits);
                continue;
            }
            if (byName.ContainsKey(name))
                throw new SafetensorsFormatException("tensor appears twice in the header", filePath, name);
            if (tensors.Count == limits.MaxTensors)
                throw new SafetensorsFormatException(
                    $"header declares more than {limits.MaxTensors} tensors (SafetensorsLimits.MaxTensors = {limits.MaxTensors})", filePath, name);
            var info = ReadEntry(ref reader, json, name, dataLength, filePath, limits);
            tensors.Add(info);
            byName.Add(name, info);
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
        return new SafetensorsHeader(tensors, byName, metadata);
    }

    // Plain JSON only: the reader rejects comments, trailing commas, invalid UTF-8, nesting deeper than 64 and
    // anything after the root value.
    private static void CheckSyntax(ReadOnlySpan<byte> json, string filePath)
    {
        var reader = new Utf8JsonReader(json, s_options);
        try
        {
            if (!reader.Read()) throw new SafetensorsFormatException("header is not valid UTF-8 JSON (it is empty)", filePath);
            while (reader.Read()) { }
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException($"header is not valid UTF-8 JSON ({e.Message})", filePath, null, e);
        }
    }

    private static void ReadMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata, string filePath, SafetensorsLimits limits)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new SafetensorsFormatException($"__metadata__ must be an object of strings, got {Kind(reader.TokenType)}", filePath);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
                throw new SafetensorsFormatException($"__metadata__ value of '{Quote(key)}' must be a string, got {Kind(reader.TokenType)}", filePath);
            if (metadata.Count == limits.MaxMetadataEntries)
                throw new SafetensorsFormatException(
                    $"__metadata__ has more than {limits.MaxMetadataEntries} entries (SafetensorsLimits.MaxMetadataEntries = {limits.MaxMetadataEntries})", filePath);
            if (!metadata.TryAdd(key, reader.GetString()!))
                throw new SafetensorsFormatException($"__metadata__ key '{Quote(key)}' appears twice", filePath);
        }
    }

    private static TensorInfo ReadEntry(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, string name, long dataLength, string filePath, SafetensorsLimits limits)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new SafetensorsFormatException($"entry must be an object, got {Kind(reader.TokenType)}", filePath, name);

        DType? dtype = null;
        Shape? shape = null;
        (long Begin, long End)? offsets = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("dtype"u8))
            {
                if (dtype is not null) throw Twice("dtype", filePath, name);
                reader.Read();
                dtype = ReadDType(ref reader, name, filePath);
            }
            else if (reader.ValueTextEquals("shape"u8))
            {
                if (shape is not null) throw Twice("shape", filePath, name);
                reader.Read();
                shape = ReadShape(ref reader, json, name, filePath, limits);
            }
            else if (reader.ValueTextEquals("data_offsets"u8))
            {
                if (offsets is not null) throw Twice("data_offsets", filePath, name);
                reader.Read();
                offsets = ReadOffsets(ref reader, json, name, filePath);
            }
            else
            {
                throw new SafetensorsFormatException($"unknown field '{Quote(reader.GetString()!)}' (expected dtype, shape, data_offsets)", filePath, name);
            }
        }
        if (dtype is not { } type) throw new SafetensorsFormatException("entry has no 'dtype'", filePath, name);
        if (shape is not { } dims) throw new SafetensorsFormatException("entry has no 'shape'", filePath, name);
        if (offsets is not var (begin, end)) throw new SafetensorsFormatException("entry has no 'data_offsets'", filePath, name);

        if (end > dataLength)
            throw new SafetensorsFormatException(
                $"data_offsets [{begin}, {end}] end beyond the {dataLength}-byte data section", filePath, name);

        long elements = 1;
        foreach (int d in dims.Dims)
        {
            if (d != 0 && elements > long.MaxValue / d / type.SizeOf())
                throw new SafetensorsFormatException($"shape {dims} overflows a 64-bit byte count", filePath, name);
            elements *= d;
        }
        long expectedBytes = elements * type.SizeOf();
        if (end - begin != expectedBytes)
            throw new SafetensorsFormatException(
                $"data_offsets [{begin}, {end}] span {end - begin} bytes but {type.SafetensorsName()} {dims} needs {expectedBytes}",
                filePath, name);
        return new TensorInfo(name, type, dims, begin, end, filePath);
    }

    private static DType ReadDType(ref Utf8JsonReader reader, string name, string filePath)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new SafetensorsFormatException($"'dtype' must be a string, got {Kind(reader.TokenType)}", filePath, name);
        string text = reader.GetString()!;
        if (!DTypes.TryParseSafetensors(text, out var dtype))
            throw new SafetensorsFormatException(
                $"unknown dtype '{Quote(text)}' (supported: F64, F32, F16, BF16, F8_E4M3, F8_E5M2, I64, I32, I16, I8, U8, BOOL)", filePath, name);
        return dtype;
    }

    private static Shape ReadShape(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, string name, string filePath, SafetensorsLimits limits)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new SafetensorsFormatException($"'shape' must be an array of integers, got {Kind(reader.TokenType)}", filePath, name);
        // Weights have at most a handful of dimensions; the array is sized once they are counted.
        Span<int> dims = limits.MaxRank <= 16 ? stackalloc int[16] : new int[limits.MaxRank];
        int rank = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            int i = rank;
            if (i == limits.MaxRank)
                throw new SafetensorsFormatException($"'shape' has more than {limits.MaxRank} dimensions (SafetensorsLimits.MaxRank = {limits.MaxRank})", filePath, name);
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long d))
                throw new SafetensorsFormatException($"'shape' entry {i} must be an integer, got {Raw(ref reader, json)}", filePath, name);
            if (d < 0)
                throw new SafetensorsFormatException($"'shape' entry {i} is negative ({d})", filePath, name);
            if (d > int.MaxValue)
                throw new SafetensorsFormatException($"'shape' entry {i} ({d}) overflows a dimension (max {int.MaxValue})", filePath, name);
            dims[rank++] = (int)d;
        }
        return new Shape(dims[..rank]);
    }

    private static (long Begin, long End) ReadOffsets(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, string name, string filePath)
    {
        int start = checked((int)reader.TokenStartIndex);
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new SafetensorsFormatException($"'data_offsets' must be [begin, end], got {Raw(ref reader, json)}", filePath, name);
        long begin = 0, end = 0;
        bool integers = true;
        int count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (count < 2)
            {
                long value = -1;
                bool ok = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out value) && value >= 0;
                integers &= ok;
                if (ok && count == 0) begin = value;
                else if (ok) end = value;
            }
            reader.Skip();
            count++;
        }
        string raw = Quote(Encoding.UTF8.GetString(json[start..checked((int)reader.BytesConsumed)]));
        if (count != 2)
            throw new SafetensorsFormatException($"'data_offsets' must be [begin, end], got {raw}", filePath, name);
        if (!integers)
            throw new SafetensorsFormatException($"'data_offsets' must be two non-negative integers, got {raw}", filePath, name);
        if (begin > end)
            throw new SafetensorsFormatException($"'data_offsets' [{begin}, {end}] has begin after end", filePath, name);
        return (begin, end);
    }

    // The value the reader is on, as written in the header (shortened), leaving the reader after it.
    private static string Raw(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        int start = checked((int)reader.TokenStartIndex);
        reader.Skip();
        return Quote(Encoding.UTF8.GetString(json[start..checked((int)reader.BytesConsumed)]));
    }

    private static string Quote(string text) => text.Length <= MaxQuoted ? text : string.Concat(text.AsSpan(0, MaxQuoted), "...");

    private static SafetensorsFormatException Twice(string field, string filePath, string name) =>
        new($"field '{field}' appears twice", filePath, name);

    // The names JsonValueKind gives these values, as the messages always used.
    private static string Kind(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "Object",
        JsonTokenType.StartArray => "Array",
        JsonTokenType.String => "String",
        JsonTokenType.Number => "Number",
        JsonTokenType.True => "True",
        JsonTokenType.False => "False",
        JsonTokenType.Null => "Null",
        _ => token.ToString(),
    };
}
