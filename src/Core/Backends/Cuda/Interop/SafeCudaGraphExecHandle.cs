namespace DeepSeek.Sdk.Backends.Cuda.Interop;

/// <summary>An instantiated CUDA graph, replayed with one launch.</summary>
internal sealed unsafe class SafeCudaGraphExecHandle : ContextBoundHandle
{
    private SafeCudaGraphExecHandle(SafeCudaContextHandle context)
        : base(context)
    {
    }

    /// <summary>Instantiates <paramref name="graph"/> and destroys the graph itself (the executable copy is all that is kept).</summary>
    public static SafeCudaGraphExecHandle Instantiate(SafeCudaContextHandle context, IntPtr graph)
    {
        var exec = new SafeCudaGraphExecHandle(context);
        try
        {
            IntPtr raw;
            CudaException.Check(CudaDriver.GraphInstantiateWithFlags(&raw, graph, 0), "cuGraphInstantiateWithFlags");
            exec.Adopt(raw);
        }
        finally
        {
            CudaDriver.GraphDestroy(graph);
        }
        return exec;
    }

    protected override int Destroy(IntPtr raw) => CudaDriver.GraphExecDestroy(raw);
}
