using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Layers;

/// <summary>The position-wise block after attention: a dense MLP or a mixture of experts.</summary>
public interface IFeedForward
{
    /// <summary>y [rows, hidden] from x [rows, hidden]; y must not alias x.</summary>
    void Forward(IBackend backend, Tensor x, Tensor y);
}
