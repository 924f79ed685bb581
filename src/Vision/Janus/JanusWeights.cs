using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Vision.Janus;

/// <summary>The tensors of a Janus checkpoint under their converted-layout names, whatever layout the checkpoint uses
/// (<see cref="JanusTensorMap"/>), as zero-copy views uploaded to a backend, and the layers built from them.</summary>
public sealed class JanusWeights
{
    public JanusWeights(Checkpoint checkpoint, JanusTensorMap map, IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(backend);
        Checkpoint = checkpoint;
        Map = map;
        Backend = backend;
    }

    public Checkpoint Checkpoint { get; }

    public JanusTensorMap Map { get; }

    public IBackend Backend { get; }

    /// <summary>The host view of <paramref name="convertedName"/> as stored (a row block of a fused tensor is a view too).</summary>
    public Tensor Host(string convertedName)
    {
        var location = Map.Resolve(convertedName);
        var tensor = Checkpoint.GetTensor(location.Name);
        if (location.DropsLeadingAxis)
        {
            if (tensor.Rank < 2 || tensor.Shape[0] != 1)
                throw new CheckpointMismatchException($"expected a leading axis of 1 (it holds '{convertedName}'), got {tensor.Shape}", Checkpoint.Directory, location.Name);
            tensor = tensor.Reshape(tensor.Shape.Dims[1..].ToArray());
        }
        if (location.IsRowBlock)
        {
            if (tensor.Shape[0] % location.Parts != 0)
                throw new CheckpointMismatchException($"its {tensor.Shape[0]} rows do not split into {location.Parts} equal parts (part {location.Part} is '{convertedName}')",
                    Checkpoint.Directory, location.Name, null, tensor.Shape);
            int rows = tensor.Shape[0] / location.Parts;
            tensor = tensor.Slice(0, location.Part * rows, rows);
        }
        return tensor;
    }

    /// <summary>The tensor as stored, on the backend.</summary>
    public Tensor Weight(string convertedName) => Backend.Upload(Host(convertedName));

    /// <summary>The tensor converted once to F32, on the backend (norm weights, biases, anything a kernel reads as F32).</summary>
    public Tensor Float(string convertedName)
    {
        var stored = Host(convertedName);
        if (stored.DType == DType.F32) return Backend.Upload(stored);
        var converted = Backend.Allocate(DType.F32, stored.Shape);
        Backend.Convert(Backend.Upload(stored), converted);
        return converted;
    }

    public Linear LoadLinear(string prefix, bool bias = true) =>
        new(Weight(prefix + ".weight"), bias ? Float(prefix + ".bias") : null);

    public Conv2d LoadConv2d(string prefix, int stride = 1, int padding = 0) =>
        new(Weight(prefix + ".weight"), Float(prefix + ".bias"), stride, padding);

    public LayerNorm LoadLayerNorm(string prefix, double eps) =>
        new(Float(prefix + ".weight"), Float(prefix + ".bias"), (float)eps);

    public GroupNorm LoadGroupNorm(string prefix, int groups, double eps) =>
        new(Float(prefix + ".weight"), Float(prefix + ".bias"), groups, (float)eps);

    /// <summary>Checks the checkpoint against every tensor <paramref name="config"/> defines, through the map: a
    /// missing tensor, another shape (a fused tensor must hold its parts), or a stored tensor that nothing maps to
    /// fails with <see cref="CheckpointMismatchException"/> naming it.</summary>
    public static void Validate(JanusConfig config, Checkpoint checkpoint, JanusTensorMap map)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(map);
        if (map.Layout == JanusCheckpointLayout.Converted)
        {
            CheckpointValidator.Validate(config, checkpoint);
            return;
        }
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in config.ExpectedTensors())
        {
            var location = map.Resolve(tensor.Name);
            var want = StoredShape(tensor.Shape, location);
            if (!checkpoint.Contains(location.Name))
            {
                if (tensor.IsOptional) continue;
                throw new CheckpointMismatchException($"missing: it holds '{tensor.Name}' of {config.SourcePath} (janus), expected shape {want}",
                    checkpoint.Directory, location.Name, want);
            }
            used.Add(location.Name);
            var info = checkpoint.GetTensorInfo(location.Name);
            if (info.Shape != want)
                throw new CheckpointMismatchException($"shape {info.Shape} but {config.SourcePath} (janus) implies {want} (it holds '{tensor.Name}')",
                    info.FilePath, location.Name, want, info.Shape);
        }
        foreach (string name in checkpoint.Names)
        {
            if (used.Contains(name) || map.IsUnused(name)) continue;
            var info = checkpoint.GetTensorInfo(name);
            throw new CheckpointMismatchException($"unexpected: the Janus release layout has no such tensor (shape {info.Shape})", info.FilePath, name, null, info.Shape);
        }
        CheckpointDTypes.Validate(checkpoint, config);
    }

    private static Shape StoredShape(Shape converted, JanusTensorLocation location)
    {
        var dims = converted.Dims.ToArray();
        if (location.IsRowBlock) dims[0] *= location.Parts;
        return location.DropsLeadingAxis ? new Shape([1, .. dims]) : new Shape(dims);
    }
}
