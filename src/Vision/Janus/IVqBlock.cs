using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Vision.Janus;

/// <summary>A block of the VQ decoder that maps a channels-last map [1, height, width, in] to
/// [1, height, width, <see cref="OutChannels"/>] using the decoder's scratch buffers.</summary>
internal interface IVqBlock
{
    int OutChannels { get; }

    /// <summary>y must not alias x.</summary>
    void Forward(IBackend backend, Tensor x, Tensor y, VqWorkspace workspace);
}
