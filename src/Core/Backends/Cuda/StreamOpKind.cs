namespace DeepSeek.Sdk.Backends.Cuda;

/// <summary>The kinds of work <see cref="SegmentGraphs"/> records: what a CUDA graph can replay.</summary>
internal enum StreamOpKind : byte
{
    Kernel,
    Gemm,
    Memset,
    CopyDeviceToDevice,
}
