// Shared by every test project (compiled into each through tests/Directory.Build.props).
using System.Text.Json.Nodes;
using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Tests;

/// <summary>Writes an edited copy of an oracle case into a directory: its config.json (edited) and its tensors,
/// each replaced by what <c>rewrite</c> returns for it (itself, a relabelled or re-encoded tensor, or several
/// tensors, such as an FP8 weight and its scales).</summary>
internal static class FixtureRewrite
{
    public delegate IEnumerable<KeyValuePair<string, Tensor>> TensorRewrite(string name, Tensor tensor);

    public static void Write(string caseName, string directory, TensorRewrite rewrite, Action<JsonObject>? editConfig = null)
    {
        string source = OracleCase.PathOf(caseName);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "config.json")))!.AsObject();
        editConfig?.Invoke(config);
        File.WriteAllText(Path.Combine(directory, "config.json"), config.ToJsonString());
        using var file = SafetensorsFile.Open(Path.Combine(source, "model.safetensors"));
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var info in file.Tensors)
            foreach (var (name, tensor) in rewrite(info.Name, file.GetTensor(info.Name)))
                tensors.Add(name, tensor);
        SafetensorsWriter.Write(Path.Combine(directory, "model.safetensors"), tensors, file.Metadata);
    }

    /// <summary>The tensor unchanged.</summary>
    public static IEnumerable<KeyValuePair<string, Tensor>> Keep(string name, Tensor tensor) => [new(name, tensor)];

    /// <summary>The same bytes under another dtype label of the same element size (what a hand-edited header does).</summary>
    public static Tensor Relabel(Tensor tensor, DType dtype) => new(tensor.Storage, dtype, tensor.Shape, tensor.Strides, tensor.ElementOffset);
}
