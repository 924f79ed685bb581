using DeepSeek.Sdk.Backends;

namespace DeepSeek.Sdk.Vision.Janus;

/// <summary>The buffers the VQ decoder passes between its blocks: two that carry the feature map from block to block
/// and four scratch maps a block may use while it runs.</summary>
internal sealed class VqWorkspace(IBackend backend)
{
    public ActivationBuffer Ping { get; } = new(backend);

    public ActivationBuffer Pong { get; } = new(backend);

    public ActivationBuffer Scratch1 { get; } = new(backend);

    public ActivationBuffer Scratch2 { get; } = new(backend);

    public ActivationBuffer Scratch3 { get; } = new(backend);

    public ActivationBuffer Scratch4 { get; } = new(backend);
}
