using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Layers;

/// <summary>torch.nn.GroupNorm (Wu and He 2018) with affine weight and bias, on channels-last activations viewed as
/// [batch, positions, channels].</summary>
public sealed class GroupNorm
{
    public GroupNorm(Tensor weight, Tensor bias, int groups, float eps)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        if (weight.ElementCount != bias.ElementCount)
            throw new ArgumentException($"GroupNorm weight {weight.Shape} and bias {bias.Shape} must have the same size.", nameof(bias));
        if (groups < 1 || weight.ElementCount % groups != 0)
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"The number of groups must divide the {weight.ElementCount} channels.");
        Weight = weight;
        Bias = bias;
        Groups = groups;
        Eps = eps;
    }

    public Tensor Weight { get; }

    public Tensor Bias { get; }

    public int Groups { get; }

    public float Eps { get; }

    public int Channels => (int)Weight.ElementCount;

    /// <summary>x and y [batch, positions, channels]; may run in place.</summary>
    public void Forward(IBackend backend, Tensor x, Tensor y) => backend.GroupNorm(x, Groups, Weight, Bias, Eps, y);
}
