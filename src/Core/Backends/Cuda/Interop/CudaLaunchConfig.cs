using System.Runtime.InteropServices;

namespace DeepSeek.Sdk.Backends.Cuda.Interop;

/// <summary>CUlaunchConfig (cuda.h): the grid, block, shared memory, stream and attributes of one
/// <c>cuLaunchKernelEx</c>. Sequential layout gives the C offsets: seven uints, the stream at 32, attrs at 40,
/// numAttrs at 48.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CudaLaunchConfig
{
    public uint GridX, GridY, GridZ;
    public uint BlockX, BlockY, BlockZ;
    public uint SharedBytes;
    public IntPtr Stream;
    public CudaLaunchAttribute* Attributes;
    public uint AttributeCount;
}
