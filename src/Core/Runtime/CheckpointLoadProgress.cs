using DeepSeek.Sdk.Checkpoints;

namespace DeepSeek.Sdk.Runtime;

/// <summary>Turns "layer i is built" into <see cref="ModelLoadProgress"/> reports for a checkpoint whose tensors are
/// named <c>model.layers.{i}.*</c> (DeepSeek, Qwen2, Llama): tensors are grouped by layer once, and each report adds a
/// group's tensor count and bytes. Tensors a model sets aside (multi-token prediction) are left out of the totals.</summary>
public sealed class CheckpointLoadProgress
{
    private const string LayerPrefix = "model.layers.";

    private readonly IProgress<ModelLoadProgress>? _target;
    private readonly (int Tensors, long Bytes)[] _layers;
    private readonly (int Tensors, long Bytes) _outer;
    private int _tensors;
    private long _bytes;

    /// <param name="layers">Decoder layers the model builds (num_hidden_layers); tensors of higher layer indices
    /// are not counted.</param>
    /// <param name="isSetAside">Tensors the model does not load (counted nowhere); null for none.</param>
    public CheckpointLoadProgress(IProgress<ModelLoadProgress>? target, Checkpoint checkpoint, int layers, Func<string, bool>? isSetAside = null)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentOutOfRangeException.ThrowIfNegative(layers);
        _target = target;
        _layers = new (int, long)[layers];
        if (target is null) return;
        foreach (string name in checkpoint.Names)
        {
            if (isSetAside?.Invoke(name) == true) continue;
            long bytes = checkpoint.GetTensorInfo(name).ByteLength;
            int layer = LayerOf(name);
            if (layer < 0) _outer = (_outer.Tensors + 1, _outer.Bytes + bytes);
            else if (layer < layers) _layers[layer] = (_layers[layer].Tensors + 1, _layers[layer].Bytes + bytes);
            TotalTensors += layer < layers ? 1 : 0;
            TotalBytes += layer < layers ? bytes : 0;
        }
    }

    public int TotalTensors { get; }

    public long TotalBytes { get; }

    /// <summary>Reports a stage without new tensors (opening, validating).</summary>
    public void Stage(string stage) => _target?.Report(new ModelLoadProgress(stage, _tensors, TotalTensors, _bytes, TotalBytes));

    /// <summary>Reports that layer <paramref name="layer"/> is built.</summary>
    public void LayerLoaded(int layer)
    {
        if (_target is null) return;
        _tensors += _layers[layer].Tensors;
        _bytes += _layers[layer].Bytes;
        _target.Report(new ModelLoadProgress($"layer {layer + 1}/{_layers.Length}", _tensors, TotalTensors, _bytes, TotalBytes));
    }

    /// <summary>Reports that the tensors outside the layers (embedding, final norm, lm_head) are built.</summary>
    public void Completed()
    {
        if (_target is null) return;
        _tensors += _outer.Tensors;
        _bytes += _outer.Bytes;
        _target.Report(new ModelLoadProgress("done", _tensors, TotalTensors, _bytes, TotalBytes));
    }

    /// <summary>The layer index of <c>model.layers.{i}.…</c>, or -1 for any other name.</summary>
    private static int LayerOf(string name)
    {
        if (!name.StartsWith(LayerPrefix, StringComparison.Ordinal)) return -1;
        int dot = name.IndexOf('.', LayerPrefix.Length);
        return dot > LayerPrefix.Length
            && int.TryParse(name.AsSpan(LayerPrefix.Length, dot - LayerPrefix.Length), System.Globalization.NumberStyles.None, null, out int layer)
            ? layer : -1;
    }
}
