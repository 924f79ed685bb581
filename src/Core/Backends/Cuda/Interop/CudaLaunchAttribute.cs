using System.Runtime.InteropServices;

namespace DeepSeek.Sdk.Backends.Cuda.Interop;

/// <summary>CUlaunchAttribute (cuda.h): an id (CUlaunchAttributeID), padding to 8 bytes, then the 64-byte
/// CUlaunchAttributeValue union, of which the attributes used here read the first int.</summary>
[StructLayout(LayoutKind.Explicit, Size = 72)]
internal struct CudaLaunchAttribute
{
    /// <summary>CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION: the kernel resolves its dependency on the
    /// previous kernel itself (griddepcontrol.wait), so it may be launched before that one has finished.</summary>
    public const int ProgrammaticStreamSerialization = 6;

    [FieldOffset(0)] public int Id;
    [FieldOffset(8)] public int Value;
}
