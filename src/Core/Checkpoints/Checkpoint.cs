using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Checkpoints;

/// <summary>The weights of a model directory: one <c>model.safetensors</c>, shards listed by
/// <c>model.safetensors.index.json</c>, or (when neither exists) every <c>*.safetensors</c> file in it.
/// Each file is memory-mapped once; tensors are zero-copy views that live until the checkpoint is disposed.</summary>
public sealed class Checkpoint : IDisposable
{
    public const string SingleFileName = "model.safetensors";
    public const string ScaleSuffix = "_scale_inv";

    private readonly List<SafetensorsFile> _files;
    private readonly Dictionary<string, SafetensorsFile> _owner;
    private readonly string[] _names;

    private Checkpoint(string directory, List<SafetensorsFile> files, Dictionary<string, SafetensorsFile> owner)
    {
        Directory = directory;
        _files = files;
        _owner = owner;
        _names = new string[owner.Count];
        owner.Keys.CopyTo(_names, 0);
        Array.Sort(_names, StringComparer.Ordinal);
    }

    public string Directory { get; }

    /// <summary>All tensor names, sorted ordinally.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The mapped files, in the order they were opened.</summary>
    public IReadOnlyList<SafetensorsFile> Files => _files;

    /// <summary>Opens the weights of <paramref name="directory"/>; every file's header is held to <paramref name="limits"/>
    /// (<see cref="SafetensorsLimits.Default"/> when null).</summary>
    public static Checkpoint Open(string directory, SafetensorsLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        directory = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(directory))
            throw new CheckpointException("checkpoint directory not found", directory);

        var files = new List<SafetensorsFile>();
        try
        {
            string indexPath = Path.Combine(directory, ShardIndex.FileName);
            string singlePath = Path.Combine(directory, SingleFileName);
            Dictionary<string, SafetensorsFile> owner;
            if (File.Exists(indexPath)) owner = OpenIndexed(directory, ShardIndex.Load(indexPath, limits), files, limits);
            else if (File.Exists(singlePath)) owner = OpenAll([singlePath], files, limits);
            else
            {
                string[] all = System.IO.Directory.GetFiles(directory, "*.safetensors");
                if (all.Length == 0)
                    throw new CheckpointException($"no {SingleFileName}, {ShardIndex.FileName} or *.safetensors file", directory);
                Array.Sort(all, StringComparer.Ordinal);
                owner = OpenAll(all, files, limits);
            }
            return new Checkpoint(directory, files, owner);
        }
        catch
        {
            foreach (var file in files) file.Dispose();
            throw;
        }
    }

    public bool Contains(string name) => _owner.ContainsKey(name);

    /// <summary>Dtype, shape and file of a tensor.</summary>
    public TensorInfo GetTensorInfo(string name) => OwnerOf(name).GetInfo(name);

    /// <summary>A zero-copy view of a tensor as stored.</summary>
    public Tensor GetTensor(string name) => OwnerOf(name).GetTensor(name);

    /// <summary>A tensor as stored, after checking that its dtype is one of <paramref name="accepted"/> (which
    /// <paramref name="role"/> names in the <see cref="CheckpointDTypeException"/> otherwise).</summary>
    public Tensor GetTensor(string name, IReadOnlyList<DType> accepted, string role)
    {
        CheckpointDTypes.Require(GetTensorInfo(name), accepted, role);
        return GetTensor(name);
    }

    /// <summary>A weight ready for a layer. An F8_E4M3 weight stored with a sibling <c>&lt;name&gt;_scale_inv</c>
    /// (DeepSeek-V3's FP8 release) comes back with its <see cref="BlockScales"/> attached, tiles sized by
    /// <paramref name="quantization"/>'s <c>weight_block_size</c>; any other tensor comes back as stored.</summary>
    public Tensor GetWeight(string name, QuantizationConfig? quantization = null)
    {
        CheckpointDTypes.Require(GetTensorInfo(name), CheckpointDTypes.LinearWeight, "a linear layer");
        var weight = GetTensor(name);
        string scaleName = name + ScaleSuffix;
        bool hasScales = Contains(scaleName);
        if (weight.DType != DType.F8E4M3)
        {
            if (hasScales)
                throw new CheckpointMismatchException($"has a '{scaleName}' but is {weight.DType.SafetensorsName()}, not F8_E4M3", FileOf(name), name);
            return weight;
        }
        if (!hasScales)
        {
            if (quantization is null) return weight;
            throw new TensorNotFoundException($"F8_E4M3 weight has no '{scaleName}' in checkpoint {Directory}", FileOf(name), scaleName);
        }
        if (quantization is null)
            throw new CheckpointException($"F8_E4M3 weight has block scales '{scaleName}' but no quantization_config gives their block size", FileOf(name), name);

        CheckpointDTypes.Require(GetTensorInfo(scaleName), CheckpointDTypes.BlockScale, "a block scale (weight_scale_inv)");
        var scales = GetTensor(scaleName);
        var block = new BlockScales(scales, quantization.WeightBlockRows, quantization.WeightBlockCols);
        try
        {
            return weight.WithScales(block, name);
        }
        catch (ArgumentException e)
        {
            int rows = weight.Rank == 2 ? (weight.Shape[0] + block.BlockRows - 1) / block.BlockRows : -1;
            int cols = weight.Rank == 2 ? (weight.Shape[1] + block.BlockCols - 1) / block.BlockCols : -1;
            throw new CheckpointMismatchException(e.Message, FileOf(scaleName), scaleName,
                rows >= 0 ? new Shape(rows, cols) : null, scales.Shape);
        }
    }

    public void Dispose()
    {
        foreach (var file in _files) file.Dispose();
    }

    public override string ToString() => $"Checkpoint({Directory}, {_names.Length} tensors in {_files.Count} files)";

    private SafetensorsFile OwnerOf(string name) =>
        _owner.TryGetValue(name, out var file) ? file
            : throw new TensorNotFoundException($"no such tensor in checkpoint {Directory}", Directory, name);

    private string FileOf(string name) => OwnerOf(name).FilePath;

    private static Dictionary<string, SafetensorsFile> OpenAll(string[] paths, List<SafetensorsFile> files, SafetensorsLimits? limits)
    {
        var owner = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        foreach (string path in paths)
        {
            var file = SafetensorsFile.Open(path, limits);
            files.Add(file);
            foreach (var info in file.Tensors)
            {
                if (!owner.TryAdd(info.Name, file))
                    throw new CheckpointException($"tensor is stored twice, also in {owner[info.Name].FilePath}", file.FilePath, info.Name);
            }
        }
        return owner;
    }

    private static Dictionary<string, SafetensorsFile> OpenIndexed(string directory, ShardIndex index, List<SafetensorsFile> files, SafetensorsLimits? limits)
    {
        var shards = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        var owner = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        foreach (var (name, shardName) in index.WeightMap)
        {
            if (!shards.TryGetValue(shardName, out var shard))
            {
                string shardPath = Path.Combine(directory, shardName);
                if (!File.Exists(shardPath))
                    throw new CheckpointException($"shard '{shardName}' listed in the index does not exist", index.FilePath, name);
                shard = SafetensorsFile.Open(shardPath, limits);
                files.Add(shard);
                shards.Add(shardName, shard);
            }
            if (!shard.Contains(name))
                throw new TensorNotFoundException($"index maps it to shard '{shardName}', which does not contain it", index.FilePath, name);
            owner.Add(name, shard);
        }
        // A tensor the index does not list would be invisible to every other loader; a tensor in two
        // shards is ambiguous. Both mean the index and the shards disagree.
        foreach (var shard in files)
        {
            foreach (var info in shard.Tensors)
            {
                if (!owner.TryGetValue(info.Name, out var listed))
                    throw new CheckpointException($"tensor is stored in this shard but not listed in {ShardIndex.FileName}", shard.FilePath, info.Name);
                if (!ReferenceEquals(listed, shard))
                    throw new CheckpointException($"tensor is stored twice, also in {listed.FilePath}", shard.FilePath, info.Name);
            }
        }
        return owner;
    }
}
