using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Backends.Cpu;

/// <summary>Argument validation shared by the CPU backend; messages name the operation and argument.</summary>
internal static class TensorChecks
{
    public static void Host(Tensor t, string op, string name)
    {
        if (t.Device.Kind != DeviceKind.Cpu)
            throw new ArgumentException($"{op}: '{name}' lives on {t.Device}, not the CPU.", name);
        if (!t.IsContiguous)
            throw new ArgumentException($"{op}: '{name}' {t.Shape} must be contiguous.", name);
        if (t.Rank == 0)
            throw new ArgumentException($"{op}: '{name}' must have at least one axis.", name);
    }

    public static void Type(Tensor t, DType expected, string op, string name)
    {
        Host(t, op, name);
        if (t.DType != expected)
            throw new ArgumentException($"{op}: '{name}' must be {expected}, got {t.DType}.", name);
    }
}
