using DeepSeek.Sdk.Checkpoints;

namespace DeepSeek.Sdk.Fuzzing;

/// <summary>An input is a whole .safetensors file (8-byte header length, JSON header, data). It is written to a temporary
/// file and opened the way checkpoints open their shards (memory-mapped, header validated), then every tensor is viewed
/// and its first and last bytes read, as a model does when it binds weights.</summary>
public static class SafetensorsTarget
{
    private static readonly Lazy<string> s_scratch = new(ScratchDirectory);
    private static long s_counter;

    public static FuzzTarget Create() => new("safetensors", "a .safetensors file: u64 header length, JSON header, data", Run);

    private static void Run(byte[] input)
    {
        string path = Path.Combine(s_scratch.Value, $"deepseek-fuzz-{Environment.ProcessId}-{Interlocked.Increment(ref s_counter)}.safetensors");
        File.WriteAllBytes(path, input);
        try
        {
            using var file = SafetensorsFile.Open(path);
            long checksum = 0;
            foreach (var info in file.Tensors)
            {
                var tensor = file.GetTensor(info.Name);
                checksum += tensor.Shape.Rank;
                var bytes = file.GetBytes(info.Name);
                if (bytes.Length > 0)
                    checksum += bytes[0] + bytes[^1];
            }
            foreach (var (key, value) in file.Metadata)
                checksum += key.Length + value.Length;
            GC.KeepAlive(checksum);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>tmpfs where there is a writable one (a fuzzer writes a file per run), else the temp folder.</summary>
    private static string ScratchDirectory()
    {
        const string shm = "/dev/shm";
        try
        {
            string probe = Path.Combine(shm, $"deepseek-fuzz-{Environment.ProcessId}-probe");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return shm;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Path.GetTempPath();
        }
    }
}
