using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Backends.Cuda;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Gpu.Tests;

/// <summary>MatMul on the GPU against the CPU for every weight dtype, on both paths: the GEMV kernel (up to 8 rows,
/// weights read as stored, F32 activations) and cuBLAS (more rows; BF16/F16 activations for half weights, FP8
/// dequantized to F32 first).</summary>
public sealed class MatMulParityTests(GpuFixture gpu)
{
    // GEMV, cuBLAS-F32 and dequantized FP8 multiply the same F32 values as the CPU; only the order differs (k <= 4104
    // terms of random sign: ~1e-6 of the row scale). The half paths round each activation to BF16 (2^-9 relative)
    // or F16 (2^-12); over k random terms that stays within ~3e-3 of the scale; 1e-2 leaves room, and is still
    // three times tighter than the 3e-2 the model fixtures allow for BF16 compute.
    private const double ExactTolerance = 2e-5;
    private const double HalfTolerance = 1e-2;

    public static TheoryData<DType, int, int, int, int> Cases()
    {
        var data = new TheoryData<DType, int, int, int, int>();
        foreach (var dtype in (DType[])[DType.F32, DType.BF16, DType.F16, DType.F8E4M3])
            foreach (int m in (int[])[1, 3, 8, 9, 40])
            {
                data.Add(dtype, m, 72, 40, 8);   // vectorized GEMV, 8-wide scale tiles
                data.Add(dtype, m, 30, 5, 16);   // k not a multiple of 8: the scalar GEMV path
                data.Add(dtype, m, 1536, 300, 128); // DeepSeek-V3's 128x128 tiles
            }
        data.Add(DType.F8E4M3, 1, 96, 33, 12); // tiles narrower than a chunk straddle it: scalar path
        foreach (var dtype in (DType[])[DType.F32, DType.BF16, DType.F16, DType.F8E4M3])
            foreach (int m in (int[])[1, 3, 8])
            {
                // Few output features and a long row: each row split over 4 warps (CudaBackend.GemvSplit on 132 SMs).
                data.Add(dtype, m, 4104, 37, 128);
                // Many output features: a warp per row, each lane going through several groups of unrolled loads.
                data.Add(dtype, m, 2568, 4300, 128);
                data.Add(dtype, m, 2570, 4300, 128); // the same, scalar path
            }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatMul_matches_the_cpu(DType dtype, int m, int k, int n, int block)
    {
        var cuda = gpu.Require();
        var x = Parity.Host(Parity.Random(m * 7 + k, m * k), m, k);
        var weight = Parity.Stored(Parity.Random(n * 13 + k, n * k, 0.5f), dtype, n, k);
        if (dtype == DType.F8E4M3)
        {
            int sr = (n + block - 1) / block, sc = (k + block - 1) / block;
            var scales = Parity.Host(Parity.Random(sr * 31 + sc, sr * sc, 0.01f).Select(v => Math.Abs(v) + 0.001f).ToArray(), sr, sc);
            weight = weight.WithScales(new BlockScales(scales, block, block), "test weight");
        }
        var bias = Parity.Host(Parity.Random(n, n), n);
        foreach (bool withBias in (bool[])[false, true])
        {
            var expected = Tensor.Zeros(DType.F32, new Shape(m, n));
            gpu.Cpu.MatMul(x, weight, withBias ? bias : null, expected);
            var y = cuda.Allocate(DType.F32, new Shape(m, n));
            cuda.MatMul(cuda.Upload(x), cuda.Upload(weight), withBias ? cuda.Upload(bias) : null, y);
            bool halfPath = m > new CudaBackendOptions().GemvMaxRows && dtype is DType.BF16 or DType.F16;
            Parity.Close(expected.AsSpan<float>(), Parity.ToHost(cuda, y), halfPath ? HalfTolerance : ExactTolerance,
                $"matmul {dtype} m={m} k={k} n={n} block={block} bias={withBias}");
        }
    }

    [Fact]
    public void Slices_of_a_weight_use_their_own_rows_and_scales()
    {
        var cuda = gpu.Require();
        int n = 48, k = 32, block = 16;
        var x = Parity.Host(Parity.Random(1, 2 * k), 2, k);
        var scales = Parity.Host(Parity.Random(2, 3 * 2, 0.01f).Select(v => Math.Abs(v) + 0.001f).ToArray(), 3, 2);
        var weight = Parity.Stored(Parity.Random(3, n * k), DType.F8E4M3, n, k).WithScales(new BlockScales(scales, block, block), "w");
        var device = cuda.Upload(weight);
        foreach (var (start, count) in new[] { (0, 32), (32, 16), (16, 32) })
        {
            var expected = Tensor.Zeros(DType.F32, new Shape(2, count));
            gpu.Cpu.MatMul(x, weight.Slice(0, start, count), null, expected);
            var y = cuda.Allocate(DType.F32, new Shape(2, count));
            cuda.MatMul(cuda.Upload(x), device.Slice(0, start, count), null, y);
            Parity.Close(expected.AsSpan<float>(), Parity.ToHost(cuda, y), ExactTolerance, $"rows {start}..{start + count}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    public void Output_slices_starting_inside_a_scale_tile_match_the_cpu(int m)
    {
        // DeepSeek-V3's kv_a_proj_with_mqa under weight_block_size [32, 16]: rows split at 16, inside the first tile.
        // Linear.SliceOutputs copies the device scales back once and uploads a finer grid; m = 9 takes cuBLAS.
        var cuda = gpu.Require();
        int n = 24, k = 40, blockRows = 32, blockCols = 16;
        var x = Parity.Host(Parity.Random(5, m * k), m, k);
        int sr = (n + blockRows - 1) / blockRows, sc = (k + blockCols - 1) / blockCols;
        var scales = Parity.Host(Parity.Random(7, sr * sc, 0.01f).Select(v => Math.Abs(v) + 0.001f).ToArray(), sr, sc);
        var weight = Parity.Stored(Parity.Random(9, n * k), DType.F8E4M3, n, k).WithScales(new BlockScales(scales, blockRows, blockCols), "w");
        var onHost = new Linear(weight);
        var onDevice = new Linear(cuda.Upload(weight));
        foreach (var (start, count) in new[] { (0, 16), (16, 8), (5, 13) })
        {
            var expected = Tensor.Zeros(DType.F32, new Shape(m, count));
            onHost.SliceOutputs(gpu.Cpu, start, count).Forward(gpu.Cpu, x, expected);
            var y = cuda.Allocate(DType.F32, new Shape(m, count));
            onDevice.SliceOutputs(cuda, start, count).Forward(cuda, cuda.Upload(x), y);
            Parity.Close(expected.AsSpan<float>(), Parity.ToHost(cuda, y), ExactTolerance, $"rows {start}..{start + count}, m={m}");
        }
    }
}
