namespace DeepSeek.Sdk.Backends.Cuda;

/// <summary>Settings of a <see cref="CudaBackend"/>.</summary>
public sealed record CudaBackendOptions
{
    /// <summary>Where compiled kernels are cached; null for the default (DEEPSEEK_SDK_KERNEL_CACHE, else
    /// $XDG_CACHE_HOME/deepseek-sdk/cuda-kernels, else ~/.cache/deepseek-sdk/cuda-kernels); empty to compile on
    /// every start without caching.</summary>
    public string? KernelCacheDirectory { get; init; }

    /// <summary>Products with at most this many rows of x stream the weight in its stored dtype through the GEMV
    /// kernel (decode); larger ones go to cuBLAS in BF16 (or F32 for F32 weights) with F32 accumulation. The
    /// kernel handles at most 8.</summary>
    public int GemvMaxRows { get; init; } = 8;

    /// <summary>Replay work that repeats between host waits (a decode step) as CUDA graphs: one launch instead of
    /// hundreds (<see cref="SegmentGraphs"/>). Results are the same either way. Null (the default): only where
    /// programmatic dependent launch is off or unavailable (before compute capability 9.0). With it, kernels
    /// launched one by one keep the GPU busier than a replay, which must wait until the host has recorded the whole
    /// step to know that it matches (docs/benchmarks.md: 2.45 vs 3.32 ms per token, R1-Distill-Qwen-1.5B shape, H100).</summary>
    public bool? CudaGraphs { get; init; }

    /// <summary>On GPUs of compute capability 9.0 and later, launch kernels with programmatic stream serialization, so
    /// that each one is scheduled while the previous one finishes (every kernel waits for its predecessor with
    /// griddepcontrol.wait before it reads anything). Hides most of the gap between the small kernels of a decode
    /// step; results are the same either way.</summary>
    public bool ProgrammaticDependentLaunch { get; init; } = true;

    /// <summary>Most bytes of the scratch copy a convolution builds of its input patches (im2col); larger images are
    /// convolved in chunks of output pixels that fit.</summary>
    public long ConvolutionScratchBytes { get; init; } = 256L << 20;
}
