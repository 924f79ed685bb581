using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Tensors;
using DeepSeek.Sdk.Vision.Janus;

namespace DeepSeek.Sdk.Vision.Tests.Janus;

/// <summary>Writes a converted-layout checkpoint's tensors under the deepseek-ai release's names, the way the release
/// stores them (q/k/v fused into one qkv, pos_embed with a leading axis of 1), by running the name map backwards.</summary>
internal static class OriginalLayoutWriter
{
    public static void Convert(string sourceDirectory, string targetDirectory, IReadOnlyDictionary<string, Tensor>? extra = null)
    {
        using var checkpoint = Checkpoint.Open(sourceDirectory);
        var map = JanusTensorMap.Original;
        var parts = new Dictionary<string, SortedDictionary<int, Tensor>>(StringComparer.Ordinal);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (string name in checkpoint.Names)
        {
            var location = map.Resolve(name);
            var tensor = checkpoint.GetTensor(name);
            if (location.IsRowBlock)
            {
                if (!parts.TryGetValue(location.Name, out var blocks)) parts[location.Name] = blocks = [];
                blocks[location.Part] = tensor;
                continue;
            }
            tensors[location.Name] = location.DropsLeadingAxis ? Copy(tensor, [1, .. tensor.Shape.Dims]) : tensor;
        }
        foreach (var (name, blocks) in parts)
        {
            var first = blocks[0];
            var dims = first.Shape.Dims.ToArray();
            dims[0] *= blocks.Count;
            var values = new List<float>();
            foreach (var block in blocks.Values) values.AddRange(block.ToFloatArray());
            tensors[name] = Tensor.FromSpan<float>(values.ToArray(), new Shape(dims), DType.F32);
        }
        if (extra is not null)
            foreach (var (name, tensor) in extra) tensors[name] = tensor;
        SafetensorsWriter.Write(Path.Combine(targetDirectory, "model.safetensors"), tensors);
        File.Copy(Path.Combine(sourceDirectory, "config.json"), Path.Combine(targetDirectory, "config.json"));
    }

    private static Tensor Copy(Tensor tensor, int[] dims) => Tensor.FromSpan<float>(tensor.ToFloatArray(), new Shape(dims), DType.F32);
}
