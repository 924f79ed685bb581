namespace DeepSeek.Sdk.Tensors;

/// <summary>A block of memory that tensors view. Host storage is a raw pointer (allocated, or a
/// memory-mapped checkpoint region); device storage belongs to a GPU backend.</summary>
public abstract class TensorStorage : IDisposable
{
    public abstract Device Device { get; }

    public abstract long ByteLength { get; }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
