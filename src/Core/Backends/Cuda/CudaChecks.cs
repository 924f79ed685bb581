using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Backends.Cuda;

/// <summary>Argument validation of the CUDA backend; messages name the operation and argument, like the CPU
/// backend's, so that a model error reads the same on either device.</summary>
internal sealed class CudaChecks(DeviceMemoryPool pool, Device device)
{
    public void OnDevice(Tensor t, string op, string name)
    {
        if (t.Storage is not CudaStorage storage || !storage.Belongs(pool))
            throw new ArgumentException($"{op}: '{name}' lives on {t.Device}, not on this backend's {device}; upload it first.", name);
        if (!t.IsContiguous)
            throw new ArgumentException($"{op}: '{name}' {t.Shape} must be contiguous.", name);
        if (t.Rank == 0)
            throw new ArgumentException($"{op}: '{name}' must have at least one axis.", name);
    }

    public void Type(Tensor t, DType expected, string op, string name)
    {
        OnDevice(t, op, name);
        if (t.DType != expected)
            throw new ArgumentException($"{op}: '{name}' must be {expected}, got {t.DType}.", name);
    }

    /// <summary>The device address of a tensor's first element.</summary>
    public static ulong Address(Tensor t) => ((CudaStorage)t.Storage).DevicePointer + (ulong)(t.ElementOffset * t.DType.SizeOf());
}
