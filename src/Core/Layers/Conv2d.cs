using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Layers;

/// <summary>torch.nn.Conv2d (groups 1, dilation 1, symmetric zero padding) on channels-last images
/// [batch, height, width, channels]. The weight [out, in, kh, kw] is used as the checkpoint stores it.</summary>
public sealed class Conv2d
{
    public Conv2d(Tensor weight, Tensor? bias, int stride = 1, int padding = 0)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 4) throw new ArgumentException($"A convolution weight must be [out, in, kh, kw], got {weight.Shape}.", nameof(weight));
        if (bias is not null && bias.ElementCount != weight.Shape[0])
            throw new ArgumentException($"Bias {bias.Shape} must have {weight.Shape[0]} values.", nameof(bias));
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        Weight = weight;
        Bias = bias;
        Stride = stride;
        Padding = padding;
    }

    public Tensor Weight { get; }

    public Tensor? Bias { get; }

    public int Stride { get; }

    public int Padding { get; }

    public int OutChannels => Weight.Shape[0];

    public int InChannels => Weight.Shape[1];

    public int KernelHeight => Weight.Shape[2];

    public int KernelWidth => Weight.Shape[3];

    /// <summary>Output height for an input height (torch's floor((h + 2p − k) / s) + 1).</summary>
    public int OutputHeight(int height) => (height + 2 * Padding - KernelHeight) / Stride + 1;

    public int OutputWidth(int width) => (width + 2 * Padding - KernelWidth) / Stride + 1;

    public void Forward(IBackend backend, Tensor x, Tensor y) => backend.Conv2d(x, Weight, Bias, Stride, Padding, y);
}
