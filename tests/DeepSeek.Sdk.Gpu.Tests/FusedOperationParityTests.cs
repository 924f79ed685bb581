using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Backends.Cuda;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Gpu.Tests;

/// <summary>The fused decode operations on the GPU (one kernel each where the CPU composes existing ones) against the
/// CPU: the residual add with RMSNorm, several products of one input in one launch, the gated product with SwiGLU, the
/// input RMSNorm folded into those products, and the product added into a residual.</summary>
public sealed class FusedOperationParityTests(GpuFixture gpu)
{
    // F32 on both sides, summed in another order (see MatMulParityTests); the cuBLAS fallback for more than 8 rows
    // rounds activations of half weights to BF16/F16.
    private const double ExactTolerance = 2e-5;
    private const double HalfTolerance = 1e-2;

    [Theory]
    [InlineData(1, 1536, DType.BF16)]
    [InlineData(5, 1536, DType.F32)]
    [InlineData(3, 100, DType.BF16)]
    public void AddRmsNorm_matches_Add_then_RmsNorm(int rows, int cols, DType weightType)
    {
        var cuda = gpu.Require();
        var hidden = Parity.Host(Parity.Random(1, rows * cols), rows, cols);
        var delta = Parity.Host(Parity.Random(2, rows * cols), rows, cols);
        var weight = Parity.Stored(Parity.Random(3, cols), weightType, cols);
        var expectedHidden = Parity.Host(hidden.ToFloatArray(), rows, cols);
        var expected = Tensor.Zeros(DType.F32, new Shape(rows, cols));
        gpu.Cpu.Add(expectedHidden, delta, expectedHidden);
        gpu.Cpu.RmsNorm(expectedHidden, weight, 1e-6f, expected);

        var deviceHidden = cuda.Upload(hidden);
        var normed = cuda.Allocate(DType.F32, new Shape(rows, cols));
        cuda.AddRmsNorm(deviceHidden, cuda.Upload(delta), cuda.Upload(weight), 1e-6f, normed);
        Parity.Close(expectedHidden.AsSpan<float>(), Parity.ToHost(cuda, deviceHidden), ExactTolerance, $"add rows={rows} cols={cols}");
        Parity.Close(expected.AsSpan<float>(), Parity.ToHost(cuda, normed), ExactTolerance, $"add+rmsnorm rows={rows} cols={cols} {weightType}");
    }

    public static TheoryData<DType, int, int> ProductCases()
    {
        var data = new TheoryData<DType, int, int>();
        foreach (var dtype in (DType[])[DType.F32, DType.BF16, DType.F16, DType.F8E4M3])
            foreach (int m in (int[])[1, 3, 8, 9])
            {
                data.Add(dtype, m, 1536); // vectorized, 128-wide FP8 tiles
                data.Add(dtype, m, 136);  // k not a multiple of the tile: partial tiles
            }
        data.Add(DType.BF16, 1, 30);      // scalar path (k % 8 != 0)
        return data;
    }

    // q/k/v-shaped products of one input: sizes 2n, n/2, n/2 (Qwen's 1536/256/256 in small), with biases.
    [Theory]
    [MemberData(nameof(ProductCases))]
    public void Products_of_one_input_match_separate_MatMuls(DType dtype, int m, int k)
    {
        var cuda = gpu.Require();
        var x = Parity.Host(Parity.Random(m + k, m * k), m, k);
        int[] sizes = [2 * k / 3 + 5, k / 4 + 3, k / 4 + 3];
        var products = new MatMulOutput[sizes.Length];
        var expected = new Tensor[sizes.Length];
        for (int i = 0; i < sizes.Length; i++)
        {
            var weight = Weight(dtype, sizes[i], k, 10 * i + 7);
            var bias = Parity.Host(Parity.Random(20 + i, sizes[i]), sizes[i]);
            expected[i] = Tensor.Zeros(DType.F32, new Shape(m, sizes[i]));
            gpu.Cpu.MatMul(x, weight, bias, expected[i]);
            products[i] = new MatMulOutput(cuda.Upload(weight), cuda.Upload(bias), cuda.Allocate(DType.F32, new Shape(m, sizes[i])));
        }
        cuda.MatMul(cuda.Upload(x), products);
        double tolerance = Tolerance(dtype, m);
        for (int i = 0; i < sizes.Length; i++)
            Parity.Close(expected[i].AsSpan<float>(), Parity.ToHost(cuda, products[i].Output), tolerance, $"product {i} of 3, {dtype} m={m} k={k} n={sizes[i]}");
    }

    [Fact]
    public void Products_of_different_dtypes_fall_back_to_separate_launches()
    {
        var cuda = gpu.Require();
        int m = 1, k = 64;
        var x = Parity.Host(Parity.Random(1, m * k), m, k);
        var weights = new[] { Weight(DType.BF16, 40, k, 2), Weight(DType.F32, 24, k, 3) };
        var outputs = weights.Select(w => cuda.Allocate(DType.F32, new Shape(m, w.Shape[0]))).ToArray();
        cuda.MatMul(cuda.Upload(x), [new(cuda.Upload(weights[0]), null, outputs[0]), new(cuda.Upload(weights[1]), null, outputs[1])]);
        for (int i = 0; i < 2; i++)
        {
            var expected = Tensor.Zeros(DType.F32, new Shape(m, weights[i].Shape[0]));
            gpu.Cpu.MatMul(x, weights[i], null, expected);
            Parity.Close(expected.AsSpan<float>(), Parity.ToHost(cuda, outputs[i]), ExactTolerance, $"mixed product {i}");
        }
    }

    public static TheoryData<DType, int, int, int> GatedCases()
    {
        var data = new TheoryData<DType, int, int, int>();
        foreach (var dtype in (DType[])[DType.F32, DType.BF16, DType.F16, DType.F8E4M3])
            foreach (int m in (int[])[1, 3, 9])
            {
                data.Add(dtype, m, 1536, 1000); // Qwen-like: wide enough for one warp per row
                data.Add(dtype, m, 4104, 37);   // few rows, long: rows split over 4 warps
            }
        data.Add(DType.BF16, 1, 30, 12);        // scalar path
        return data;
    }

    [Theory]
    [MemberData(nameof(GatedCases))]
    public void SwiGluMatMul_matches_two_MatMuls_and_SwiGlu(DType dtype, int m, int k, int n)
    {
        var cuda = gpu.Require();
        var x = Parity.Host(Parity.Random(m * 3 + k, m * k), m, k);
        var gate = Weight(dtype, n, k, 5);
        var up = Weight(dtype, n, k, 6);
        var expected = Tensor.Zeros(DType.F32, new Shape(m, n));
        var upOut = Tensor.Zeros(DType.F32, new Shape(m, n));
        gpu.Cpu.MatMul(x, gate, null, expected);
        gpu.Cpu.MatMul(x, up, null, upOut);
        gpu.Cpu.SwiGlu(expected, upOut, expected);

        var y = cuda.Allocate(DType.F32, new Shape(m, n));
        cuda.SwiGluMatMul(cuda.Upload(x), cuda.Upload(gate), cuda.Upload(up), cuda.Allocate(DType.F32, new Shape(m, n)), y);
        Parity.Close(expected.AsSpan<float>(), Parity.ToHost(cuda, y), Tolerance(dtype, m), $"swiglu matmul {dtype} m={m} k={k} n={n}");
    }

    public static TheoryData<DType, int, int, DType> NormCases()
    {
        var data = new TheoryData<DType, int, int, DType>();
        foreach (var dtype in (DType[])[DType.BF16, DType.F8E4M3, DType.F32])
            foreach (int m in (int[])[1, 3, 9])
                data.Add(dtype, m, 1536, m == 3 ? DType.F32 : DType.BF16);
        data.Add(DType.BF16, 1, 4104, DType.F32); // rows split over several warps
        data.Add(DType.BF16, 2, 30, DType.BF16);  // scalar path
        return data;
    }

    // The pre-norm folded into the q/k/v products (GEMV: each block reduces x's squares itself) against RmsNorm then
    // MatMul; prompts (m > 8) normalize into the workspace first, which must then hold RmsNorm(x).
    [Theory]
    [MemberData(nameof(NormCases))]
    public void Products_with_an_input_norm_match_RmsNorm_then_MatMul(DType dtype, int m, int k, DType normType)
    {
        var cuda = gpu.Require();
        var x = Parity.Host(Parity.Random(m + k + 1, m * k, 3f), m, k);
        var normWeight = Parity.Stored(Parity.Random(k + 2, k), normType, k);
        var normed = Tensor.Zeros(DType.F32, new Shape(m, k));
        gpu.Cpu.RmsNorm(x, normWeight, 1e-6f, normed);
        int[] sizes = [k + 8, k / 4 + 3];
        var products = new MatMulOutput[sizes.Length];
        var expected = new Tensor[sizes.Length];
        for (int i = 0; i < sizes.Length; i++)
        {
            var weight = Weight(dtype, sizes[i], k, 30 + i);
            expected[i] = Tensor.Zeros(DType.F32, new Shape(m, sizes[i]));
            gpu.Cpu.MatMul(normed, weight, null, expected[i]);
            products[i] = new MatMulOutput(cuda.Upload(weight), null, cuda.Allocate(DType.F32, new Shape(m, sizes[i])));
        }
        var deviceNormed = cuda.Allocate(DType.F32, new Shape(m, k));
        cuda.MatMul(cuda.Upload(x), products, new RmsNormInput(cuda.Upload(normWeight), 1e-6f, deviceNormed));
        for (int i = 0; i < sizes.Length; i++)
            Parity.Close(expected[i].AsSpan<float>(), Parity.ToHost(cuda, products[i].Output), Tolerance(dtype, m), $"normed product {i}, {dtype} m={m} k={k} norm {normType}");
        if (m > new CudaBackendOptions().GemvMaxRows)
            Parity.Close(normed.AsSpan<float>(), Parity.ToHost(cuda, deviceNormed), ExactTolerance, $"workspace m={m}");
    }

    [Theory]
    [MemberData(nameof(NormCases))]
    public void SwiGluMatMul_with_an_input_norm_matches_RmsNorm_then_SwiGluMatMul(DType dtype, int m, int k, DType normType)
    {
        var cuda = gpu.Require();
        int n = 200;
        var x = Parity.Host(Parity.Random(m * 5 + k, m * k, 3f), m, k);
        var normWeight = Parity.Stored(Parity.Random(k + 3, k), normType, k);
        var normed = Tensor.Zeros(DType.F32, new Shape(m, k));
        gpu.Cpu.RmsNorm(x, normWeight, 1e-5f, normed);
        var gate = Weight(dtype, n, k, 8);
        var up = Weight(dtype, n, k, 9);
        var expected = Tensor.Zeros(DType.F32, new Shape(m, n));
        gpu.Cpu.SwiGluMatMul(normed, gate, up, Tensor.Zeros(DType.F32, new Shape(m, n)), expected);

        var y = cuda.Allocate(DType.F32, new Shape(m, n));
        cuda.SwiGluMatMul(cuda.Upload(x), cuda.Upload(gate), cuda.Upload(up), cuda.Allocate(DType.F32, new Shape(m, n)), y,
            new RmsNormInput(cuda.Upload(normWeight), 1e-5f, cuda.Allocate(DType.F32, new Shape(m, k))));
        Parity.Close(expected.AsSpan<float>(), Parity.ToHost(cuda, y), Tolerance(dtype, m), $"normed swiglu {dtype} m={m} k={k} norm {normType}");
    }

    [Theory]
    [InlineData(DType.BF16, 1, 8960, 1536, true)]
    [InlineData(DType.BF16, 4, 1536, 1536, false)]
    [InlineData(DType.F8E4M3, 1, 1536, 1000, false)]
    [InlineData(DType.F32, 9, 300, 40, true)]
    [InlineData(DType.BF16, 1, 30, 12, false)]
    public void MatMulAdd_adds_the_product_into_y(DType dtype, int m, int k, int n, bool withBias)
    {
        var cuda = gpu.Require();
        var x = Parity.Host(Parity.Random(m + k + n, m * k), m, k);
        var weight = Weight(dtype, n, k, 11);
        var bias = withBias ? Parity.Host(Parity.Random(n + 1, n), n) : null;
        var start = Parity.Random(m * n + 5, m * n, 4f);
        var expected = Parity.Host(start, m, n);
        var product = Tensor.Zeros(DType.F32, new Shape(m, n));
        gpu.Cpu.MatMul(x, weight, bias, product);
        gpu.Cpu.Add(expected, product, expected);

        var y = cuda.Upload(Parity.Host(start, m, n));
        cuda.MatMulAdd(cuda.Upload(x), cuda.Upload(weight), bias is null ? null : cuda.Upload(bias), cuda.Allocate(DType.F32, new Shape(m, n)), y);
        Parity.Close(expected.AsSpan<float>(), Parity.ToHost(cuda, y), Tolerance(dtype, m), $"matmul add {dtype} m={m} k={k} n={n} bias={withBias}");
    }

    private static double Tolerance(DType dtype, int m) =>
        m > new CudaBackendOptions().GemvMaxRows && dtype is DType.BF16 or DType.F16 ? HalfTolerance : ExactTolerance;

    // A random [n, k] weight stored as dtype; FP8 with 128x128 block scales (partial tiles at the edges).
    private static Tensor Weight(DType dtype, int n, int k, int seed)
    {
        var weight = Parity.Stored(Parity.Random(seed * 101 + n, n * k, 0.5f), dtype, n, k);
        if (dtype != DType.F8E4M3) return weight;
        const int block = 128;
        int sr = (n + block - 1) / block, sc = (k + block - 1) / block;
        var scales = Parity.Host(Parity.Random(seed * 7 + sc, sr * sc, 0.01f).Select(v => Math.Abs(v) + 0.001f).ToArray(), sr, sc);
        return weight.WithScales(new BlockScales(scales, block, block), "test weight");
    }
}
