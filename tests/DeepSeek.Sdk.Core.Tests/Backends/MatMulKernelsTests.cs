using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Core.Tests.Backends;

public sealed class MatMulKernelsTests : IDisposable
{
    // Each product and partial sum is rounded in F32 (unit roundoff 6e-8); a k-term sum in any order errs by at
    // most about k·u·Σ|x·w| in the worst case and √k·u typically. 1e-6 of Σ|x·w| covers k up to a few hundred with
    // margin; the weight conversions themselves are exact.
    private const double Tolerance = 1e-6;

    private readonly CpuBackend _multi = new(threadCount: 3);
    private readonly CpuBackend _single = new(threadCount: 1);

    public void Dispose()
    {
        _multi.Dispose();
        _single.Dispose();
    }

    public static TheoryData<DType, int, int, int> Shapes()
    {
        var data = new TheoryData<DType, int, int, int>();
        foreach (var dtype in new[] { DType.F32, DType.BF16, DType.F16, DType.F8E4M3 })
            foreach (var (m, n, k) in new[] { (1, 5, 1), (1, 9, 7), (3, 4, 33), (17, 11, 130), (1, 301, 257), (5, 7, 64), (8, 130, 300) })
                data.Add(dtype, m, n, k);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Matches_a_double_precision_reference_for_every_weight_dtype(DType dtype, int m, int n, int k)
    {
        var rng = new Random(m * 1000 + n * 10 + k);
        var x = KernelReference.Random(rng, m * k);
        var bias = KernelReference.Random(rng, n);
        var weight = RandomWeight(rng, dtype, n, k);
        var (expected, magnitude) = Naive(x, weight.ToFloatArray(), bias, m, n, k);

        var y = Tensor.Zeros(DType.F32, new Shape(m, n));
        _multi.MatMul(KernelReference.F32(x, m, k), weight, KernelReference.F32(bias, n), y);
        KernelReference.Close(expected, y.AsSpan<float>(), Tolerance, 1e-7, magnitude);
    }

    [Theory]
    [InlineData(DType.BF16, 1)]
    [InlineData(DType.F8E4M3, 1)]
    [InlineData(DType.F8E4M3, 9)]
    [InlineData(DType.F32, 12)]
    public void Multithreaded_result_equals_single_threaded_bit_for_bit(DType dtype, int m)
    {
        // Each output element is computed by one thread in a fixed order, so the split cannot change it.
        var rng = new Random(7);
        int n = 517, k = 300;
        var x = KernelReference.F32(KernelReference.Random(rng, m * k), m, k);
        var w = RandomWeight(rng, dtype, n, k);
        var a = Tensor.Zeros(DType.F32, new Shape(m, n));
        var b = Tensor.Zeros(DType.F32, new Shape(m, n));
        _multi.MatMul(x, w, null, a);
        _single.MatMul(x, w, null, b);
        Assert.Equal(b.AsSpan<float>().ToArray(), a.AsSpan<float>().ToArray());
    }

    [Theory]
    [InlineData(DType.BF16, 2)]
    [InlineData(DType.F8E4M3, 2)]
    [InlineData(DType.F16, 6)]
    [InlineData(DType.F32, 6)]
    public void Vector512_path_matches_the_reference_even_where_it_is_emulated(DType dtype, int m)
    {
        var rng = new Random(11);
        int n = 9, k = 200;
        var x = KernelReference.Random(rng, m * k);
        var w = RandomWeight(rng, dtype, n, k);
        var (expected, magnitude) = Naive(x, w.ToFloatArray(), null, m, n, k);
        var y = Tensor.Zeros(DType.F32, new Shape(m, n));
        bool saved = DotKernels.UseVector512;
        try
        {
            DotKernels.UseVector512 = true;
            _single.MatMul(KernelReference.F32(x, m, k), w, null, y);
        }
        finally
        {
            DotKernels.UseVector512 = saved;
        }
        KernelReference.Close(expected, y.AsSpan<float>(), Tolerance, 1e-7, magnitude);
    }

    [Fact]
    public void Every_FP8_code_decodes_exactly_through_the_bit_trick()
    {
        // One weight row holding all 254 finite E4M3 codes (NaN codes excluded), dotted with one-hot rows of x.
        int k = 254;
        var codes = new byte[k];
        for (int i = 0, c = 0; c < 256; c++)
            if ((c & 0x7F) != 0x7F) codes[i++] = (byte)c;
        var w = Tensor.FromSpan<byte>(codes, new Shape(1, k), DType.F8E4M3)
            .WithScales(new BlockScales(KernelReference.F32([1f], 1, 1), 128, 256), "w");
        var x = new float[k * k];
        for (int i = 0; i < k; i++) x[i * k + i] = 1f;
        var y = Tensor.Zeros(DType.F32, new Shape(k, 1));
        _single.MatMul(KernelReference.F32(x, k, k), w, null, y);
        for (int i = 0; i < k; i++) Assert.Equal(ScalarConversions.F8E4M3ToF32(codes[i]), y.AsSpan<float>()[i]);
    }

    [Fact]
    public void Shape_and_dtype_errors_name_the_argument()
    {
        var x = Tensor.Zeros(DType.F32, new Shape(2, 8));
        var y = Tensor.Zeros(DType.F32, new Shape(2, 4));
        var wrongK = Tensor.Zeros(DType.BF16, new Shape(4, 7));
        var e = Assert.Throws<ArgumentException>(() => _single.MatMul(x, wrongK, null, y));
        Assert.Contains("'x'", e.Message);
        var fp8WithoutScales = Tensor.Zeros(DType.F8E4M3, new Shape(4, 8));
        Assert.Throws<ArgumentException>(() => _single.MatMul(x, fp8WithoutScales, null, y));
        var i32 = Tensor.Zeros(DType.I32, new Shape(4, 8));
        Assert.Throws<NotSupportedException>(() => _single.MatMul(x, i32, null, y));
    }

    internal static Tensor RandomWeight(Random rng, DType dtype, int n, int k)
    {
        var values = KernelReference.Random(rng, n * k);
        switch (dtype)
        {
            case DType.F32:
                return KernelReference.F32(values, n, k);
            case DType.BF16:
            case DType.F16:
                var half = new ushort[values.Length];
                for (int i = 0; i < half.Length; i++)
                    half[i] = dtype == DType.BF16 ? ScalarConversions.F32ToBF16(values[i]) : ScalarConversions.F32ToF16(values[i]);
                return Tensor.FromSpan<ushort>(half, new Shape(n, k), dtype);
            default:
                // FP8 codes span the E4M3 range (±448, subnormals included) with 128x128 tiles whose scales differ,
                // so partial last tiles in both axes and per-tile scaling are exercised.
                var codes = new byte[values.Length];
                for (int i = 0; i < codes.Length; i++) codes[i] = ScalarConversions.F32ToF8E4M3(values[i] * 448f);
                int tr = (n + 127) / 128, tc = (k + 127) / 128;
                var scales = new float[tr * tc];
                for (int i = 0; i < scales.Length; i++) scales[i] = (float)(0.5 + rng.NextDouble()) / 448f;
                return Tensor.FromSpan<byte>(codes, new Shape(n, k), DType.F8E4M3)
                    .WithScales(new BlockScales(KernelReference.F32(scales, tr, tc), 128, 128), "w");
        }
    }

    private static (double[] Expected, double[] Magnitude) Naive(float[] x, float[] w, float[]? bias, int m, int n, int k)
    {
        var expected = new double[m * n];
        var magnitude = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = bias?[j] ?? 0, a = Math.Abs(bias?[j] ?? 0);
                for (int p = 0; p < k; p++)
                {
                    s += (double)x[i * k + p] * w[j * k + p];
                    a += Math.Abs((double)x[i * k + p] * w[j * k + p]);
                }
                expected[i * n + j] = s;
                magnitude[i * n + j] = a;
            }
        return (expected, magnitude);
    }
}
