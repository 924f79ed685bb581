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
        var stored = checkpoint.GetTensor(name);
        if (stored.DType == DType.F32) return backend.Upload(stored);
        var converted = backend.Allocate(DType.F32, stored.Shape);
        backend.Convert(backend.Upload(stored), converted);
        return converted;
    }

    /// <summary>Rows [start, start + count) of this layer's outputs as a layer of their own (a view, scales included).</summary>
    public Linear SliceOutputs(int start, int count) =>
        new(Weight.Slice(0, start, count), Bias?.Slice(0, start, count));

    public void Forward(IBackend backend, Tensor x, Tensor y) => backend.MatMul(x, Weight, Bias, y);
}
