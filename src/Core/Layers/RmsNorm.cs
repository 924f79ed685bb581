using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Layers;

/// <summary>Root-mean-square layer norm (Zhang and Sennrich 2019): <c>x / sqrt(mean(x²) + eps) · w</c>.</summary>
public sealed class RmsNorm
{
    public RmsNorm(Tensor weight, float eps)
    {
        ArgumentNullException.ThrowIfNull(weight);
        Weight = weight;
        Eps = eps;
    }

    public Tensor Weight { get; }

    public float Eps { get; }

    /// <summary>Loads <c>{prefix}.weight</c> as stored (F32 or BF16, which the kernel reads; F16 converted once to F32).</summary>
    public static RmsNorm Load(IBackend backend, Checkpoint checkpoint, string prefix, double eps)
    {
        var weight = checkpoint.GetTensor(prefix + ".weight", CheckpointDTypes.Floating, "a norm");
        if (weight.DType is not (DType.F32 or DType.BF16)) weight = Linear.LoadVector(backend, checkpoint, prefix + ".weight");
        return new RmsNorm(backend.Upload(weight), (float)eps);
    }

    /// <summary>May run in place (x and y the same tensor).</summary>
    public void Forward(IBackend backend, Tensor x, Tensor y) => backend.RmsNorm(x, Weight, Eps, y);

    /// <summary>The residual add before this norm, fused with it: <c>hidden += delta; y = norm(hidden)</c>.</summary>
    public void AddForward(IBackend backend, Tensor hidden, Tensor delta, Tensor y) => backend.AddRmsNorm(hidden, delta, Weight, Eps, y);
}
