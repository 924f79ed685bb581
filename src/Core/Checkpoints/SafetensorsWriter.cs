using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Checkpoints;

/// <summary>Writes tensors to a safetensors file laid out as the reference library lays it out
/// (huggingface/safetensors, tensor.rs <c>prepare</c>/<c>serialize</c>): tensors ordered by dtype, widest
/// first, then by name, packed back to back from offset 0; <c>__metadata__</c> first in the header; the JSON
/// padded with spaces to a multiple of 8 bytes so that every tensor starts aligned to its element size.
/// A file this writes from a file's own tensors and metadata is byte-identical to it.</summary>
public static class SafetensorsWriter
{
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Write(stream, tensors, metadata);
    }

    public static void Write(Stream destination, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(tensors);
        var order = new List<(string Name, byte[] Utf8, Tensor Tensor)>(tensors.Count);
        foreach (var (name, tensor) in tensors)
        {
            if (name == SafetensorsHeader.MetadataKey)
                throw new ArgumentException($"'{SafetensorsHeader.MetadataKey}' is reserved and cannot name a tensor.", nameof(tensors));
            if (tensor.Device.Kind != DeviceKind.Cpu)
                throw new ArgumentException($"Tensor '{name}' lives on {tensor.Device}; copy it to the host before writing.", nameof(tensors));
            if (tensor.Scales is not null)
                throw new ArgumentException($"Tensor '{name}' carries block scales; write its '_scale_inv' tensor under its own name.", nameof(tensors));
            order.Add((name, Encoding.UTF8.GetBytes(name), tensor));
        }
        order.Sort(static (a, b) =>
        {
            int byDType = DTypeRank(b.Tensor.DType).CompareTo(DTypeRank(a.Tensor.DType));
            return byDType != 0 ? byDType : a.Utf8.AsSpan().SequenceCompareTo(b.Utf8);
        });

        var entries = new List<(string Name, DType DType, Shape Shape)>(order.Count);
        foreach (var (name, _, tensor) in order) entries.Add((name, tensor.DType, tensor.Shape));
        WriteHeader(destination, entries, metadata);
        foreach (var (_, _, tensor) in order) WriteData(destination, tensor);
        destination.Flush();
    }

    /// <summary>Writes the 8-byte length and the JSON header for tensors stored back to back in
    /// <paramref name="entries"/>' order from data offset 0, as <see cref="Write(Stream, IReadOnlyDictionary{string, Tensor}, IReadOnlyDictionary{string, string}?)"/>
    /// does; the caller then writes each tensor's bytes in that order (for files too large to hold in memory).</summary>
    public static void WriteHeader(Stream destination, IReadOnlyList<(string Name, DType DType, Shape Shape)> entries, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(entries);
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is not null)
            {
                var keys = new List<string>(metadata.Keys);
                keys.Sort(StringComparer.Ordinal);
                json.WriteStartObject(SafetensorsHeader.MetadataKey);
                foreach (string key in keys) json.WriteString(key, metadata[key]);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, dtype, shape) in entries)
            {
                long bytes = shape.ElementCount * dtype.SizeOf();
                json.WriteStartObject(name);
                json.WriteString("dtype", dtype.SafetensorsName());
                json.WriteStartArray("shape");
                foreach (int d in shape.Dims) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        int padded = (int)((buffer.Length + 7) / 8 * 8);
        while (buffer.Length < padded) buffer.WriteByte((byte)' ');
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)buffer.Length);
        destination.Write(length);
        buffer.Position = 0;
        buffer.CopyTo(destination);
    }

    private static unsafe void WriteData(Stream destination, Tensor tensor)
    {
        if (tensor.ElementCount == 0) return;
        if (tensor.IsContiguous)
        {
            byte* p = tensor.DataPointer;
            long remaining = tensor.ByteCount;
            while (remaining > 0)
            {
                int chunk = (int)Math.Min(remaining, 1 << 30);
                destination.Write(new ReadOnlySpan<byte>(p, chunk));
                p += chunk;
                remaining -= chunk;
            }
            return;
        }
        // A strided view (slice of a transpose, ...) is written element by element in row-major order.
        int size = tensor.DType.SizeOf();
        var index = new int[tensor.Rank];
        byte* basePointer = tensor.DataPointer - tensor.ElementOffset * size;
        for (long i = 0; i < tensor.ElementCount; i++)
        {
            long element = tensor.ElementOffset;
            for (int d = 0; d < tensor.Rank; d++) element += index[d] * tensor.Strides[d];
            destination.Write(new ReadOnlySpan<byte>(basePointer + element * size, size));
            for (int d = tensor.Rank - 1; d >= 0; d--)
            {
                if (++index[d] < tensor.Shape[d]) break;
                index[d] = 0;
            }
        }
    }

    /// <summary>The reference orders dtypes by their declaration in its Dtype enum (tensor.rs); sorting
    /// widest first keeps every tensor aligned to its element size.</summary>
    private static int DTypeRank(DType dtype) => dtype switch
    {
        DType.Bool => 0,
        DType.U8 => 1,
        DType.I8 => 2,
        DType.F8E5M2 => 3,
        DType.F8E4M3 => 4,
        DType.I16 => 5,
        DType.F16 => 6,
        DType.BF16 => 7,
        DType.I32 => 8,
        DType.F32 => 9,
        DType.F64 => 10,
        DType.I64 => 11,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };
}
