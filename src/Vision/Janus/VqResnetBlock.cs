using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Vision.Janus;

/// <summary>The VQGAN's residual block (LlamaGen vq_model ResnetBlock; transformers JanusVQVAEResnetBlock):
/// <c>h = conv1(swish(norm1(x)))</c>, <c>h = conv2(swish(norm2(h)))</c>, output <c>shortcut(x) + h</c> where the
/// shortcut is a 1×1 convolution (nin_shortcut) when the channel count changes. Norms are GroupNorm(32, eps 1e-6);
/// swish is x · sigmoid(x).</summary>
public sealed class VqResnetBlock : IVqBlock
{
    public VqResnetBlock(GroupNorm norm1, Conv2d conv1, GroupNorm norm2, Conv2d conv2, Conv2d? ninShortcut)
    {
        if (conv1.InChannels != norm1.Channels || norm2.Channels != conv1.OutChannels || conv2.InChannels != conv1.OutChannels || conv2.OutChannels != conv1.OutChannels)
            throw new ArgumentException($"VQ residual block shapes disagree: norm1 {norm1.Channels}, conv1 {conv1.Weight.Shape}, norm2 {norm2.Channels}, conv2 {conv2.Weight.Shape}.");
        if ((ninShortcut is null) != (conv1.InChannels == conv1.OutChannels))
            throw new ArgumentException($"A VQ residual block from {conv1.InChannels} to {conv1.OutChannels} channels {(ninShortcut is null ? "needs" : "has no use for")} a nin_shortcut.");
        Norm1 = norm1;
        Conv1 = conv1;
        Norm2 = norm2;
        Conv2 = conv2;
        NinShortcut = ninShortcut;
    }

    public GroupNorm Norm1 { get; }

    public Conv2d Conv1 { get; }

    public GroupNorm Norm2 { get; }

    public Conv2d Conv2 { get; }

    public Conv2d? NinShortcut { get; }

    public int InChannels => Conv1.InChannels;

    public int OutChannels => Conv2.OutChannels;

    public static VqResnetBlock Load(JanusWeights weights, string prefix, int inChannels, int outChannels)
    {
        const int groups = 32;
        const double eps = 1e-6;
        return new VqResnetBlock(
            weights.LoadGroupNorm(prefix + "norm1", groups, eps),
            weights.LoadConv2d(prefix + "conv1", padding: 1),
            weights.LoadGroupNorm(prefix + "norm2", groups, eps),
            weights.LoadConv2d(prefix + "conv2", padding: 1),
            inChannels == outChannels ? null : weights.LoadConv2d(prefix + "nin_shortcut"));
    }

    /// <summary>x [1, height, width, in] into y [1, height, width, out] (y must not alias x).</summary>
    void IVqBlock.Forward(IBackend backend, Tensor x, Tensor y, VqWorkspace workspace)
    {
        int height = x.Shape[1], width = x.Shape[2], positions = height * width;
        var h = workspace.Scratch1.View(1, height, width, InChannels);
        Norm1.Forward(backend, x.Reshape(1, positions, InChannels), h.Reshape(1, positions, InChannels));
        backend.Silu(h, h);
        var h2 = workspace.Scratch2.View(1, height, width, OutChannels);
        Conv1.Forward(backend, h, h2);
        var flat = h2.Reshape(1, positions, OutChannels);
        Norm2.Forward(backend, flat, flat);
        backend.Silu(h2, h2);
        var h3 = workspace.Scratch1.View(1, height, width, OutChannels);
        Conv2.Forward(backend, h2, h3);
        if (NinShortcut is { } shortcut)
        {
            var residual = workspace.Scratch2.View(1, height, width, OutChannels);
            shortcut.Forward(backend, x, residual);
            backend.Add(residual, h3, y);
        }
        else
        {
            backend.Add(x, h3, y);
        }
    }
}
