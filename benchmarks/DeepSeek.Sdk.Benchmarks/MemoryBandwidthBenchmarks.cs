using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Benchmarks;

/// <summary>The read roofline: sum a 1 GiB F32 buffer on all threads. Decode MatMul GB/s is judged against this.</summary>
public class MemoryBandwidthBenchmarks
{
    public const long Bytes = 1L << 30;

    private CpuThreadPool _pool = null!;
    private HostStorage _buffer = null!;

    [GlobalSetup]
    public unsafe void Setup()
    {
        _pool = new CpuThreadPool();
        _buffer = HostStorage.Allocate(Bytes);
        new Span<float>(_buffer.Pointer, (int)(Bytes / 4)).Fill(1f); // touch every page so the run reads DRAM, not the zero page
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pool.Dispose();
        _buffer.Dispose();
    }

    [Benchmark]
    public unsafe float SumAllThreads()
    {
        const int blockFloats = 1 << 20;
        int blocks = (int)(Bytes / 4 / blockFloats);
        var partial = stackalloc float[blocks];
        var work = new SumWork { Data = (float*)_buffer.Pointer, BlockFloats = blockFloats, Partial = partial };
        _pool.Run(ref work, blocks, 1);
        return TensorPrimitives.Sum(new ReadOnlySpan<float>(partial, blocks));
    }

    private unsafe struct SumWork : IRangeWork
    {
        public float* Data;
        public int BlockFloats;
        public float* Partial;

        public readonly void Execute(int start, int end)
        {
            for (int b = start; b < end; b++)
                Partial[b] = TensorPrimitives.Sum(new ReadOnlySpan<float>(Data + (long)b * BlockFloats, BlockFloats));
        }
    }
}
