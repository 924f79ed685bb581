using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Vision.Janus;

/// <summary>A flat F32 buffer on a backend, grown (never shrunk) to the largest activation asked for and handed out
/// as views of any shape, so that the VQ decoder's maps (whose shapes change from level to level) reuse a few
/// allocations across levels and images.</summary>
internal sealed class ActivationBuffer(IBackend backend)
{
    private Tensor? _storage;

    public Tensor View(params int[] dims)
    {
        var shape = new Shape(dims);
        long count = shape.ElementCount;
        if (_storage is null || _storage.Shape[0] < count)
            _storage = backend.Allocate(DType.F32, new Shape(checked((int)count)));
        return _storage.Slice(0, 0, (int)count).Reshape(dims);
    }
}
