using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Layers;

/// <summary>torch.nn.LayerNorm over the last axis (Ba et al. 2016), with F32 weight and optional bias.</summary>
public sealed class LayerNorm
{
    public LayerNorm(Tensor weight, Tensor? bias, float eps)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (bias is not null && bias.ElementCount != weight.ElementCount)
            throw new ArgumentException($"LayerNorm bias {bias.Shape} must match weight {weight.Shape}.", nameof(bias));
        Weight = weight;
        Bias = bias;
        Eps = eps;
    }

    public Tensor Weight { get; }

    public Tensor? Bias { get; }

    public float Eps { get; }

    /// <summary>May run in place (x and y the same tensor).</summary>
    public void Forward(IBackend backend, Tensor x, Tensor y) => backend.LayerNorm(x, Weight, Bias, Eps, y);
}
