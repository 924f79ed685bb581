using System.Runtime.CompilerServices;

namespace DeepSeek.Sdk.Backends.Cuda;

/// <summary>A CUDA library call failed. <see cref="ErrorName"/> is the library's own name for the code
/// (CUDA_ERROR_OUT_OF_MEMORY, CUBLAS_STATUS_NOT_SUPPORTED, NVRTC_ERROR_COMPILATION), <see cref="Call"/> the function.
/// Errors from kernels that ran earlier on the stream surface at the next call that waits for them, so the call
/// named is where the error was noticed, not always where it arose.</summary>
public sealed class CudaException : Exception
{
    public CudaException(string library, string call, int code, string errorName, string? detail = null)
        : base($"{call} failed with {errorName} ({code}){(string.IsNullOrEmpty(detail) ? "" : ": " + detail)}.")
    {
        Library = library;
        Call = call;
        Code = code;
        ErrorName = errorName;
    }

    /// <summary>"driver", "nvrtc" or "cublas".</summary>
    public string Library { get; }

    public string Call { get; }

    public int Code { get; }

    public string ErrorName { get; }

    /// <summary>Throws for a CUresult other than CUDA_SUCCESS.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Check(int result, string call)
    {
        if (result != Interop.CudaDriver.Success) ThrowDriver(result, call);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CheckCublas(int status, string call)
    {
        if (status != Interop.Cublas.Success) throw new CudaException("cublas", call, status, Interop.Cublas.StatusName(status));
    }

    internal static void CheckNvrtc(int result, string call)
    {
        if (result != Interop.Nvrtc.Success) throw new CudaException("nvrtc", call, result, Interop.Nvrtc.ErrorName(result));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowDriver(int result, string call) =>
        throw new CudaException("driver", call, result, Interop.CudaDriver.ErrorName(result), Interop.CudaDriver.ErrorText(result));
}
