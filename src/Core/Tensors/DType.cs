namespace DeepSeek.Sdk.Tensors;

/// <summary>Element types a tensor can hold. The names follow safetensors' dtype strings.</summary>
public enum DType
{
    F64,
    F32,
    F16,
    BF16,
    /// <summary>FP8 E4M3 (OCP "fn" variant: no infinities, one NaN pattern, max 448), as DeepSeek-V3 publishes.</summary>
    F8E4M3,
    F8E5M2,
    I64,
    I32,
    I16,
    I8,
    U8,
    Bool,
}

/// <summary>Sizes and names of <see cref="DType"/> values.</summary>
public static class DTypes
{
    public static int SizeOf(this DType dtype) => dtype switch
    {
        DType.F64 or DType.I64 => 8,
        DType.F32 or DType.I32 => 4,
        DType.F16 or DType.BF16 or DType.I16 => 2,
        DType.F8E4M3 or DType.F8E5M2 or DType.I8 or DType.U8 or DType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };

    public static bool IsFloatingPoint(this DType dtype) =>
        dtype is DType.F64 or DType.F32 or DType.F16 or DType.BF16 or DType.F8E4M3 or DType.F8E5M2;

    /// <summary>The spelling safetensors headers use ("F32", "BF16", "F8_E4M3", ...).</summary>
    public static string SafetensorsName(this DType dtype) => dtype switch
    {
        DType.F8E4M3 => "F8_E4M3",
        DType.F8E5M2 => "F8_E5M2",
        DType.Bool => "BOOL",
        _ => dtype.ToString(),
    };

    /// <summary>Parses a safetensors dtype string; false for anything this SDK does not know.</summary>
    public static bool TryParseSafetensors(string name, out DType dtype)
    {
        switch (name)
        {
            case "F64": dtype = DType.F64; return true;
            case "F32": dtype = DType.F32; return true;
            case "F16": dtype = DType.F16; return true;
            case "BF16": dtype = DType.BF16; return true;
            case "F8_E4M3": dtype = DType.F8E4M3; return true;
            case "F8_E5M2": dtype = DType.F8E5M2; return true;
            case "I64": dtype = DType.I64; return true;
            case "I32": dtype = DType.I32; return true;
            case "I16": dtype = DType.I16; return true;
            case "I8": dtype = DType.I8; return true;
            case "U8": dtype = DType.U8; return true;
            case "BOOL": dtype = DType.Bool; return true;
            default: dtype = default; return false;
        }
    }
}
