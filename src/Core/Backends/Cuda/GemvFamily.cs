using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Backends.Cuda;

/// <summary>The eight instances of one GEMV kernel of Kernels/matmul.cu (<c>GEMV_FAMILY</c>): per weight dtype, one
/// for up to GEMV_MAX_ROWS rows of x and one for a single row (batch-1 decode, a single accumulator).</summary>
internal sealed class GemvFamily
{
    /// <summary>Kernel name suffixes, in <see cref="Index"/> order.</summary>
    public static readonly string[] DTypeSuffixes = ["f32", "bf16", "f16", "fp8"];

    private readonly (IntPtr Function, string Name)[] _kernels = new (IntPtr, string)[8];

    public GemvFamily(CudaKernels kernels, string prefix)
    {
        for (int d = 0; d < 4; d++)
        {
            string many = $"{prefix}_{DTypeSuffixes[d]}", one = $"{prefix}1_{DTypeSuffixes[d]}";
            _kernels[2 * d] = (kernels[many], many);
            _kernels[2 * d + 1] = (kernels[one], one);
        }
    }

    public (IntPtr Function, string Name) For(DType weight, int rows) => _kernels[2 * Index(weight) + (rows == 1 ? 1 : 0)];

    private static int Index(DType weight) => weight switch
    {
        DType.F32 => 0,
        DType.BF16 => 1,
        DType.F16 => 2,
        DType.F8E4M3 => 3,
        _ => throw new NotSupportedException($"GEMV weights must be F32, BF16, F16 or F8E4M3, got {weight}."),
    };
}
