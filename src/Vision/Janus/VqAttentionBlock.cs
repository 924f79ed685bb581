using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Vision.Janus;

/// <summary>The VQGAN's spatial self-attention (LlamaGen vq_model AttnBlock; transformers JanusVQVAEAttnBlock): one
/// head over all channels with the pixels as tokens, q/k/v and proj_out as 1×1 convolutions after a GroupNorm,
/// scores scaled by channels^-0.5, output added to the input.</summary>
public sealed class VqAttentionBlock : IVqBlock
{
    public VqAttentionBlock(GroupNorm norm, Conv2d query, Conv2d key, Conv2d value, Conv2d projOut)
    {
        int c = norm.Channels;
        foreach (var conv in (ReadOnlySpan<Conv2d>)[query, key, value, projOut])
            if (conv.InChannels != c || conv.OutChannels != c || conv.KernelHeight != 1 || conv.KernelWidth != 1)
                throw new ArgumentException($"VQ attention projections must be 1x1 convolutions of {c} channels, got {conv.Weight.Shape}.");
        Norm = norm;
        Query = query;
        Key = key;
        Value = value;
        ProjOut = projOut;
        Scale = (float)(1.0 / Math.Sqrt(c));
    }

    public GroupNorm Norm { get; }

    public Conv2d Query { get; }

    public Conv2d Key { get; }

    public Conv2d Value { get; }

    public Conv2d ProjOut { get; }

    public float Scale { get; }

    public int Channels => Norm.Channels;

    int IVqBlock.OutChannels => Channels;

    public static VqAttentionBlock Load(JanusWeights weights, string prefix) => new(
        weights.LoadGroupNorm(prefix + "norm", 32, 1e-6),
        weights.LoadConv2d(prefix + "q"),
        weights.LoadConv2d(prefix + "k"),
        weights.LoadConv2d(prefix + "v"),
        weights.LoadConv2d(prefix + "proj_out"));

    /// <summary>x [1, height, width, channels] into y of the same shape (y must not alias x).</summary>
    void IVqBlock.Forward(IBackend backend, Tensor x, Tensor y, VqWorkspace workspace)
    {
        int height = x.Shape[1], width = x.Shape[2], positions = height * width, c = Channels;
        var normed = workspace.Scratch1.View(1, height, width, c);
        Norm.Forward(backend, x.Reshape(1, positions, c), normed.Reshape(1, positions, c));
        var q = workspace.Scratch2.View(1, height, width, c);
        var k = workspace.Scratch3.View(1, height, width, c);
        var v = workspace.Scratch4.View(1, height, width, c);
        Query.Forward(backend, normed, q);
        Key.Forward(backend, normed, k);
        Value.Forward(backend, normed, v);
        var attended = workspace.Scratch1.View(1, positions, 1, c);
        backend.UnmaskedAttention(q.Reshape(1, positions, 1, c), k.Reshape(1, positions, 1, c), v.Reshape(1, positions, 1, c), Scale, attended);
        var projected = workspace.Scratch2.View(1, height, width, c);
        ProjOut.Forward(backend, attended.Reshape(1, height, width, c), projected);
        backend.Add(x, projected, y);
    }
}
