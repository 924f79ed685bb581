using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.Json;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Cli.Benchmarking;

/// <summary>Writes config.json and a model.safetensors of BF16 random weights with every tensor the config's
/// architecture expects (ModelConfig.ExpectedTensors), so that the model loads through the normal path. Weights
/// are uniform with the std of initializer_range 0.02, norms are 1; the bytes cycle through a 64 MiB random block
/// (writing tens of GB of fresh random numbers would cost minutes and change nothing a benchmark measures).</summary>
internal static class RandomCheckpoint
{
    private const int BlockBytes = 64 << 20;

    public static (string Directory, long WeightBytes, TimeSpan Elapsed) Write(string directory, string configJson)
    {
        var watch = Stopwatch.StartNew();
        Directory.CreateDirectory(directory);
        string configPath = Path.Combine(directory, ModelConfig.FileName);
        File.WriteAllText(configPath, configJson);
        var config = ModelConfig.Load(configPath);
        var tensors = new List<ExpectedTensor>();
        foreach (var t in config.ExpectedTensors())
            if (!t.IsOptional) tensors.Add(t);

        using var header = new MemoryStream();
        long offset = 0;
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            json.WriteString("format", "pt");
            json.WriteEndObject();
            foreach (var t in tensors)
            {
                long bytes = t.Shape.ElementCount * 2;
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", "BF16");
                json.WriteStartArray("shape");
                foreach (int d in t.Shape.Dims) json.WriteNumberValue(d);
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
        // The header is padded with spaces to a multiple of 8 bytes, as the safetensors writer does.
        int padded = (int)((header.Length + 7) / 8 * 8);
        var headerBytes = new byte[padded];
        header.ToArray().CopyTo(headerBytes, 0);
        for (int i = (int)header.Length; i < padded; i++) headerBytes[i] = (byte)' ';

        var random = RandomBlock();
        var ones = new byte[1 << 20];
        for (int i = 0; i < ones.Length; i += 2) BinaryPrimitives.WriteUInt16LittleEndian(ones.AsSpan(i), 0x3F80); // bf16 1.0
        string path = Path.Combine(directory, "model.safetensors");
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            file.Write(length);
            file.Write(headerBytes);
            long cursor = 0;
            foreach (var t in tensors)
            {
                long bytes = t.Shape.ElementCount * 2;
                bool norm = t.Name.EndsWith("norm.weight", StringComparison.Ordinal);
                while (bytes > 0)
                {
                    byte[] source = norm ? ones : random;
                    int start = norm ? 0 : (int)(cursor % (BlockBytes - 4096)) & ~1;
                    int n = (int)Math.Min(bytes, source.Length - start);
                    file.Write(source, start, n);
                    bytes -= n;
                    cursor += n + 4098;
                }
            }
        }
        return (directory, offset, watch.Elapsed);
    }

    private static byte[] RandomBlock()
    {
        var block = new byte[BlockBytes];
        var rng = new Random(20261123);
        // Uniform on [-a, a] with a = 0.02 * sqrt(3) has std 0.02.
        float a = 0.02f * MathF.Sqrt(3);
        for (int i = 0; i < block.Length; i += 2)
            BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(i), ScalarConversions.F32ToBF16((float)(rng.NextDouble() * 2 - 1) * a));
        return block;
    }
}
