using System.Runtime.InteropServices;

namespace DeepSeek.Sdk.Backends.Cuda.Interop;

/// <summary>The CUDA driver API (cuda.h) as far as the backend uses it. Entry points are the versioned symbols the
/// header's macros select (cuMemAlloc is cuMemAlloc_v2, ...), which every driver since CUDA 11 exports. Every
/// function returns a CUresult; callers pass it to <see cref="CudaException.Check"/>.</summary>
internal static unsafe partial class CudaDriver
{
    private const string Lib = CudaLibraries.Driver;

    public const int Success = 0;
    public const int ErrorOutOfMemory = 2;
    public const int ErrorNotReady = 600;

    // CUdevice_attribute values (cuda.h).
    public const int AttributeMultiprocessorCount = 16;
    public const int AttributeComputeCapabilityMajor = 75;
    public const int AttributeComputeCapabilityMinor = 76;
    public const int AttributeMaxSharedMemoryPerBlockOptin = 97;

    // CUfunction_attribute: CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES.
    public const int FunctionAttributeMaxDynamicSharedSize = 8;

    public const uint StreamNonBlocking = 1;
    public const uint EventDisableTiming = 2;
    public const uint HostAllocPortable = 1;
    public const uint HostAllocDeviceMap = 2;
    public const int StreamCaptureModeThreadLocal = 1;

    static CudaDriver() => CudaLibraries.EnsureResolver();

    [LibraryImport(Lib, EntryPoint = "cuInit")]
    public static partial int Init(uint flags);

    [LibraryImport(Lib, EntryPoint = "cuDriverGetVersion")]
    public static partial int DriverGetVersion(int* version);

    [LibraryImport(Lib, EntryPoint = "cuGetErrorName")]
    public static partial int GetErrorName(int error, byte** name);

    [LibraryImport(Lib, EntryPoint = "cuGetErrorString")]
    public static partial int GetErrorString(int error, byte** text);

    [LibraryImport(Lib, EntryPoint = "cuDeviceGetCount")]
    public static partial int DeviceGetCount(int* count);

    [LibraryImport(Lib, EntryPoint = "cuDeviceGet")]
    public static partial int DeviceGet(int* device, int ordinal);

    [LibraryImport(Lib, EntryPoint = "cuDeviceGetName")]
    public static partial int DeviceGetName(byte* name, int length, int device);

    [LibraryImport(Lib, EntryPoint = "cuDeviceGetAttribute")]
    public static partial int DeviceGetAttribute(int* value, int attribute, int device);

    [LibraryImport(Lib, EntryPoint = "cuDeviceTotalMem_v2")]
    public static partial int DeviceTotalMem(nuint* bytes, int device);

    [LibraryImport(Lib, EntryPoint = "cuDevicePrimaryCtxRetain")]
    public static partial int DevicePrimaryCtxRetain(IntPtr* context, int device);

    [LibraryImport(Lib, EntryPoint = "cuDevicePrimaryCtxRelease_v2")]
    public static partial int DevicePrimaryCtxRelease(int device);

    [LibraryImport(Lib, EntryPoint = "cuCtxSetCurrent")]
    public static partial int CtxSetCurrent(IntPtr context);

    [LibraryImport(Lib, EntryPoint = "cuCtxPushCurrent_v2")]
    public static partial int CtxPushCurrent(IntPtr context);

    [LibraryImport(Lib, EntryPoint = "cuCtxPopCurrent_v2")]
    public static partial int CtxPopCurrent(IntPtr* context);

    [LibraryImport(Lib, EntryPoint = "cuModuleLoadData")]
    public static partial int ModuleLoadData(IntPtr* module, void* image);

    [LibraryImport(Lib, EntryPoint = "cuModuleUnload")]
    public static partial int ModuleUnload(IntPtr module);

    [LibraryImport(Lib, EntryPoint = "cuModuleGetFunction")]
    public static partial int ModuleGetFunction(IntPtr* function, IntPtr module, byte* name);

    /// <summary>Offset and size of a kernel parameter (CUDA 12.4 and later); CUDA_ERROR_INVALID_VALUE past the last.</summary>
    [LibraryImport(Lib, EntryPoint = "cuFuncGetParamInfo")]
    public static partial int FuncGetParamInfo(IntPtr function, nuint index, nuint* offset, nuint* size);

    [LibraryImport(Lib, EntryPoint = "cuFuncSetAttribute")]
    public static partial int FuncSetAttribute(IntPtr function, int attribute, int value);

    [LibraryImport(Lib, EntryPoint = "cuLaunchKernel")]
    public static partial int LaunchKernel(IntPtr function, uint gridX, uint gridY, uint gridZ, uint blockX, uint blockY, uint blockZ,
        uint sharedBytes, IntPtr stream, void** parameters, void** extra);

    // CUDA 12.0+: a launch with attributes (programmatic dependent launch).
    [LibraryImport(Lib, EntryPoint = "cuLaunchKernelEx")]
    public static partial int LaunchKernelEx(CudaLaunchConfig* config, IntPtr function, void** parameters, void** extra);

    [LibraryImport(Lib, EntryPoint = "cuStreamCreate")]
    public static partial int StreamCreate(IntPtr* stream, uint flags);

    [LibraryImport(Lib, EntryPoint = "cuStreamDestroy_v2")]
    public static partial int StreamDestroy(IntPtr stream);

    [LibraryImport(Lib, EntryPoint = "cuStreamSynchronize")]
    public static partial int StreamSynchronize(IntPtr stream);

    [LibraryImport(Lib, EntryPoint = "cuEventCreate")]
    public static partial int EventCreate(IntPtr* evt, uint flags);

    [LibraryImport(Lib, EntryPoint = "cuEventRecord")]
    public static partial int EventRecord(IntPtr evt, IntPtr stream);

    [LibraryImport(Lib, EntryPoint = "cuEventSynchronize")]
    public static partial int EventSynchronize(IntPtr evt);

    [LibraryImport(Lib, EntryPoint = "cuEventDestroy_v2")]
    public static partial int EventDestroy(IntPtr evt);

    [LibraryImport(Lib, EntryPoint = "cuMemAlloc_v2")]
    public static partial int MemAlloc(ulong* pointer, nuint bytes);

    [LibraryImport(Lib, EntryPoint = "cuMemFree_v2")]
    public static partial int MemFree(ulong pointer);

    [LibraryImport(Lib, EntryPoint = "cuMemGetInfo_v2")]
    public static partial int MemGetInfo(nuint* free, nuint* total);

    [LibraryImport(Lib, EntryPoint = "cuMemsetD8Async")]
    public static partial int MemsetD8Async(ulong destination, byte value, nuint count, IntPtr stream);

    [LibraryImport(Lib, EntryPoint = "cuMemcpyHtoDAsync_v2")]
    public static partial int MemcpyHtoDAsync(ulong destination, void* source, nuint bytes, IntPtr stream);

    [LibraryImport(Lib, EntryPoint = "cuMemcpyDtoHAsync_v2")]
    public static partial int MemcpyDtoHAsync(void* destination, ulong source, nuint bytes, IntPtr stream);

    [LibraryImport(Lib, EntryPoint = "cuMemcpyDtoDAsync_v2")]
    public static partial int MemcpyDtoDAsync(ulong destination, ulong source, nuint bytes, IntPtr stream);

    [LibraryImport(Lib, EntryPoint = "cuMemHostAlloc")]
    public static partial int MemHostAlloc(void** pointer, nuint bytes, uint flags);

    [LibraryImport(Lib, EntryPoint = "cuMemHostGetDevicePointer_v2")]
    public static partial int MemHostGetDevicePointer(ulong* devicePointer, void* hostPointer, uint flags);

    [LibraryImport(Lib, EntryPoint = "cuMemFreeHost")]
    public static partial int MemFreeHost(void* pointer);

    [LibraryImport(Lib, EntryPoint = "cuStreamBeginCapture_v2")]
    public static partial int StreamBeginCapture(IntPtr stream, int mode);

    [LibraryImport(Lib, EntryPoint = "cuStreamEndCapture")]
    public static partial int StreamEndCapture(IntPtr stream, IntPtr* graph);

    [LibraryImport(Lib, EntryPoint = "cuGraphInstantiateWithFlags")]
    public static partial int GraphInstantiateWithFlags(IntPtr* graphExec, IntPtr graph, ulong flags);

    [LibraryImport(Lib, EntryPoint = "cuGraphLaunch")]
    public static partial int GraphLaunch(IntPtr graphExec, IntPtr stream);

    [LibraryImport(Lib, EntryPoint = "cuGraphExecDestroy")]
    public static partial int GraphExecDestroy(IntPtr graphExec);

    [LibraryImport(Lib, EntryPoint = "cuGraphDestroy")]
    public static partial int GraphDestroy(IntPtr graph);

    /// <summary>The CUresult's symbolic name (CUDA_ERROR_OUT_OF_MEMORY), or its number when the driver does not know it.</summary>
    public static string ErrorName(int result)
    {
        byte* name = null;
        return GetErrorName(result, &name) == Success && name != null ? Marshal.PtrToStringUTF8((IntPtr)name)! : $"CUresult {result}";
    }

    public static string ErrorText(int result)
    {
        byte* text = null;
        return GetErrorString(result, &text) == Success && text != null ? Marshal.PtrToStringUTF8((IntPtr)text)! : "unknown error";
    }
}
