using DeepSeek.Sdk.Backends.Cuda.Interop;

namespace DeepSeek.Sdk.Backends.Cuda;

/// <summary>A captured segment: its ops in symbolic form, the device blocks that stand in for the segment's small
/// uploads (the graph's kernels read these), and the instantiated graph.</summary>
internal sealed class SegmentGraph(DeviceMemoryPool pool) : IDisposable
{
    public List<StreamOp> Ops { get; } = [];

    public List<(ulong Block, long Bytes)> Inputs { get; } = [];

    public SafeCudaGraphExecHandle? Exec { get; set; }

    public void Dispose()
    {
        Exec?.Dispose();
        foreach (var (block, _) in Inputs) pool.Return(block);
        Inputs.Clear();
    }
}
