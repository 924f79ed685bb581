using DeepSeek.Sdk.Layers;

namespace DeepSeek.Sdk.Vision.Janus;

/// <summary>One resolution of the VQ decoder (decoder.up.{i}): its residual blocks, the attention blocks that follow
/// them at the lowest resolution (none elsewhere), and the upsampling convolution that ends every level but the last.</summary>
public sealed record VqLevel(IReadOnlyList<VqResnetBlock> Blocks, IReadOnlyList<VqAttentionBlock> Attentions, Conv2d? Upsample);
