using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Layers;

/// <summary><c>y = x · Wᵀ (+ b)</c> with W [out, in] as the checkpoint stores it (F32, BF16, F16, or F8_E4M3 with
/// its weight_scale_inv block scales attached), used in place.</summary>
public sealed class Linear
{
    public Linear(Tensor weight, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2) throw new ArgumentException($"A linear weight must be [out, in], got {weight.Shape}.", nameof(weight));
        if (bias is not null && bias.ElementCount != weight.Shape[0])
            throw new ArgumentException($"Bias {bias.Shape} must have {weight.Shape[0]} values.", nameof(bias));
        Weight = weight;
        Bias = bias;
    }

    public Tensor Weight { get; }

    public Tensor? Bias { get; }

    public int OutFeatures => Weight.Shape[0];

    public int InFeatures => Weight.Shape[1];

    /// <summary>Loads <c>{prefix}.weight</c> (through <see cref="Checkpoint.GetWeight"/>, so FP8 comes with its
    /// scales) and, when <paramref name="hasBias"/>, <c>{prefix}.bias</c> converted once to F32.</summary>
    public static Linear Load(IBackend backend, Checkpoint checkpoint, string prefix, QuantizationConfig? quantization, bool hasBias = false)
    {
        var weight = backend.Upload(checkpoint.GetWeight(prefix + ".weight", quantization));
        Tensor? bias = hasBias ? LoadVector(backend, checkpoint, prefix + ".bias") : null;
        return new Linear(weight, bias);
    }

    /// <summary>A 1-D tensor of the checkpoint as an F32 tensor on the backend (norm weights, biases).</summary>
    public static Tensor LoadVector(IBackend backend, Checkpoint checkpoint, string name)
    {
        var stored = checkpoint.GetTensor(name, CheckpointDTypes.Floating, "a norm or bias");
        if (stored.DType == DType.F32) return backend.Upload(stored);
        var converted = backend.Allocate(DType.F32, stored.Shape);
        backend.Convert(backend.Upload(stored), converted);
        return converted;
    }

    /// <summary>Rows [start, start + count) of this layer's outputs as a layer of their own: a view of the weight, its
    /// block scales included. Where the rows start inside a scale tile (a weight_block_size that does not divide the
    /// split) the scales are re-tiled once, here (<see cref="BlockScales.Slice"/>); scales already on a device are
    /// copied back for that, which is why the backend is needed.</summary>
    public Linear SliceOutputs(IBackend backend, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(backend);
        if (start < 0 || count < 0 || start > OutFeatures - count)
            throw new ArgumentOutOfRangeException(nameof(start), $"Rows {start}..{(long)start + count} are outside the {OutFeatures} outputs.");
        var bias = Bias?.Slice(0, start, count);
        if (Weight.Scales is not { } scales || scales.StartsTile(0, start) || scales.Scales.Storage is HostStorage)
            return new Linear(Weight.Slice(0, start, count), bias);

        int tile = scales.BlockRows, first = start / tile;
        var covered = scales.Scales.Slice(0, first, (start + count + tile - 1) / tile - first);
        var host = Tensor.Zeros(DType.F32, covered.Shape);
        backend.CopyToHost(covered, host);
        var local = new BlockScales(host, tile, scales.BlockCols).Slice(0, start - first * tile, count);
        var rows = new Tensor(Weight.Storage, Weight.DType, new Shape(count, InFeatures), Weight.Strides, Weight.ElementOffset + start * Weight.Strides[0]);
        return new Linear(rows.WithScales(local with { Scales = backend.Upload(local.Scales) }, "sliced weight"), bias);
    }

    public void Forward(IBackend backend, Tensor x, Tensor y) => backend.MatMul(x, Weight, Bias, y);
}
