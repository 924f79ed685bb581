using System.Runtime.InteropServices;

namespace DeepSeek.Sdk.Backends.Cuda.Interop;

/// <summary>cuBLAS (cublas_api.h) for the products that are compute-bound (prefill, batched decode). cuBLAS is
/// column-major; <see cref="CudaMatMul"/> maps the row-major <c>y = x · Wᵀ</c> onto it. Every function returns a
/// cublasStatus_t; 0 is CUBLAS_STATUS_SUCCESS.</summary>
internal static unsafe partial class Cublas
{
    private const string Lib = CudaLibraries.Cublas;

    public const int Success = 0;
    public const int OpN = 0;
    public const int OpT = 1;

    // cudaDataType_t (library_types.h).
    public const int DataF32 = 0;
    public const int DataF16 = 2;
    public const int DataBF16 = 14;

    // cublasComputeType_t: CUBLAS_COMPUTE_32F accumulates in F32 and, unlike the TF32 modes, keeps F32 inputs exact.
    public const int Compute32F = 68;
    public const int GemmDefault = -1;

    static Cublas() => CudaLibraries.EnsureResolver();

    [LibraryImport(Lib, EntryPoint = "cublasCreate_v2")]
    public static partial int Create(IntPtr* handle);

    [LibraryImport(Lib, EntryPoint = "cublasDestroy_v2")]
    public static partial int Destroy(IntPtr handle);

    [LibraryImport(Lib, EntryPoint = "cublasSetStream_v2")]
    public static partial int SetStream(IntPtr handle, IntPtr stream);

    [LibraryImport(Lib, EntryPoint = "cublasSetWorkspace_v2")]
    public static partial int SetWorkspace(IntPtr handle, ulong workspace, nuint bytes);

    [LibraryImport(Lib, EntryPoint = "cublasGetStatusName")]
    public static partial byte* GetStatusName(int status);

    [LibraryImport(Lib, EntryPoint = "cublasGemmEx")]
    public static partial int GemmEx(IntPtr handle, int transA, int transB, int m, int n, int k, float* alpha,
        ulong a, int aType, int lda, ulong b, int bType, int ldb, float* beta, ulong c, int cType, int ldc, int computeType, int algorithm);

    public static string StatusName(int status)
    {
        try
        {
            byte* name = GetStatusName(status);
            if (name != null) return Marshal.PtrToStringUTF8((IntPtr)name)!;
        }
        catch (EntryPointNotFoundException)
        {
            // cublasGetStatusName arrived in cuBLAS 11.4; older libraries get the number.
        }
        return $"cublasStatus_t {status}";
    }
}
