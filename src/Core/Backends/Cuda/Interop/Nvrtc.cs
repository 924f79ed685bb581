using System.Runtime.InteropServices;

namespace DeepSeek.Sdk.Backends.Cuda.Interop;

/// <summary>NVRTC (nvrtc.h): runtime compilation of CUDA C++ to CUBIN for the GPU present. Every function returns
/// an nvrtcResult; 0 is NVRTC_SUCCESS.</summary>
internal static unsafe partial class Nvrtc
{
    private const string Lib = CudaLibraries.Nvrtc;

    public const int Success = 0;
    public const int ErrorCompilation = 6;

    static Nvrtc() => CudaLibraries.EnsureResolver();

    [LibraryImport(Lib, EntryPoint = "nvrtcVersion")]
    public static partial int Version(int* major, int* minor);

    [LibraryImport(Lib, EntryPoint = "nvrtcGetErrorString")]
    public static partial byte* GetErrorString(int result);

    [LibraryImport(Lib, EntryPoint = "nvrtcCreateProgram")]
    public static partial int CreateProgram(IntPtr* program, byte* source, byte* name, int headerCount, byte** headers, byte** includeNames);

    [LibraryImport(Lib, EntryPoint = "nvrtcDestroyProgram")]
    public static partial int DestroyProgram(IntPtr* program);

    [LibraryImport(Lib, EntryPoint = "nvrtcCompileProgram")]
    public static partial int CompileProgram(IntPtr program, int optionCount, byte** options);

    [LibraryImport(Lib, EntryPoint = "nvrtcGetProgramLogSize")]
    public static partial int GetProgramLogSize(IntPtr program, nuint* size);

    [LibraryImport(Lib, EntryPoint = "nvrtcGetProgramLog")]
    public static partial int GetProgramLog(IntPtr program, byte* log);

    [LibraryImport(Lib, EntryPoint = "nvrtcGetCUBINSize")]
    public static partial int GetCubinSize(IntPtr program, nuint* size);

    [LibraryImport(Lib, EntryPoint = "nvrtcGetCUBIN")]
    public static partial int GetCubin(IntPtr program, byte* cubin);

    /// <summary>The nvrtcResult's name (NVRTC_ERROR_COMPILATION), as nvrtcGetErrorString gives it.</summary>
    public static string ErrorName(int result)
    {
        byte* text = GetErrorString(result);
        return text != null ? Marshal.PtrToStringUTF8((IntPtr)text)! : $"nvrtcResult {result}";
    }
}
