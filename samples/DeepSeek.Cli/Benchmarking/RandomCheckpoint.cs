using System.Buffers.Binary;
using System.Diagnostics;
using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Cli.Benchmarking;

/// <summary>Writes config.json and a model.safetensors of BF16 random weights with every tensor the config's
/// architecture expects (ModelConfig.ExpectedTensors), so that the model loads through the normal path. Weights
/// are uniform with the std of initializer_range 0.02, norms are 1; the bytes cycle through a 64 MiB random block
/// (writing tens of GB of fresh random numbers would cost minutes and change nothing a benchmark measures).</summary>
public static class RandomCheckpoint
{
    private const int BlockBytes = 64 << 20;

    /// <summary>Writes the checkpoint into <paramref name="directory"/>, which must be missing, empty, or one this
    /// bench wrote before (<see cref="BenchWorkFolder"/>).</summary>
    /// <exception cref="IOException">The folder holds files the bench did not write; nothing is written.</exception>
    public static (string Directory, long WeightBytes, TimeSpan Elapsed) Write(string directory, string configJson)
    {
        var watch = Stopwatch.StartNew();
        BenchWorkFolder.Claim(directory);
        string configPath = Path.Combine(directory, ModelConfig.FileName);
        File.WriteAllText(configPath, configJson);
        var config = ModelConfig.Load(configPath);
        var tensors = new List<ExpectedTensor>();
        foreach (var t in config.ExpectedTensors())
            if (!t.IsOptional) tensors.Add(t);

        var random = RandomBlock();
        var ones = new byte[1 << 20];
        for (int i = 0; i < ones.Length; i += 2) BinaryPrimitives.WriteUInt16LittleEndian(ones.AsSpan(i), 0x3F80); // bf16 1.0
        string path = Path.Combine(directory, "model.safetensors");
        long weightBytes = 0;
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            var entries = tensors.ConvertAll(t => (t.Name, DType.BF16, t.Shape));
            SafetensorsWriter.WriteHeader(file, entries, new Dictionary<string, string> { ["format"] = "pt" });
            long cursor = 0;
            foreach (var t in tensors)
            {
                long bytes = t.Shape.ElementCount * 2;
                weightBytes += bytes;
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
        return (directory, weightBytes, watch.Elapsed);
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
