using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Core.Tests.Backends;

public sealed class NormKernelsTests : IDisposable
{
    // Sums of squares and means accumulate in F32 over up to 257 terms: relative error a few 1e-7; 2e-6 leaves margin.
    private const double Tolerance = 2e-6;

    private readonly CpuBackend _backend = new(threadCount: 1);

    public void Dispose() => _backend.Dispose();

    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(3, 7, true)]
    [InlineData(17, 33, false)]
    [InlineData(2, 257, true)]
    public void RmsNorm_normalizes_in_f32_then_multiplies_the_weight(int rows, int cols, bool bf16Weight)
    {
        var rng = new Random(rows * 31 + cols);
        var x = KernelReference.Random(rng, rows * cols, 3f);
        var w = KernelReference.Random(rng, cols);
        Tensor weight = KernelReference.F32(w, cols);
        if (bf16Weight)
        {
            var bits = new ushort[cols];
            for (int i = 0; i < cols; i++) bits[i] = ScalarConversions.F32ToBF16(w[i]);
            weight = Tensor.FromSpan<ushort>(bits, new Shape(cols), DType.BF16);
            w = weight.ToFloatArray();
        }
        const float eps = 1e-6f;
        var expected = new double[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            double ms = 0;
            for (int i = 0; i < cols; i++) ms += (double)x[r * cols + i] * x[r * cols + i];
            double inv = 1 / Math.Sqrt(ms / cols + eps);
            for (int i = 0; i < cols; i++) expected[r * cols + i] = x[r * cols + i] * inv * w[i];
        }
        var y = Tensor.Zeros(DType.F32, new Shape(rows, cols));
        _backend.RmsNorm(KernelReference.F32(x, rows, cols), weight, eps, y);
        KernelReference.Close(expected, y.AsSpan<float>(), Tolerance, 1e-7);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(5, 130)]
    public void LayerNorm_uses_the_biased_variance_like_torch(int rows, int cols)
    {
        var rng = new Random(rows + cols);
        var x = KernelReference.Random(rng, rows * cols, 2f);
        for (int i = 0; i < x.Length; i++) x[i] += 10f; // a large mean is where a one-pass variance would fail
        var w = KernelReference.Random(rng, cols);
        var b = KernelReference.Random(rng, cols);
        const float eps = 1e-5f;
        var expected = new double[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            double mean = 0, variance = 0;
            for (int i = 0; i < cols; i++) mean += x[r * cols + i];
            mean /= cols;
            for (int i = 0; i < cols; i++) variance += Math.Pow(x[r * cols + i] - mean, 2);
            double inv = 1 / Math.Sqrt(variance / cols + eps);
            for (int i = 0; i < cols; i++) expected[r * cols + i] = (x[r * cols + i] - mean) * inv * w[i] + b[i];
        }
        var y = Tensor.Zeros(DType.F32, new Shape(rows, cols));
        _backend.LayerNorm(KernelReference.F32(x, rows, cols), KernelReference.F32(w, cols), KernelReference.F32(b, cols), eps, y);
        // x - mean loses the low bits of x (|x| ~ 10, values ~1): error ~ 10·6e-8 per element before normalization.
        KernelReference.Close(expected, y.AsSpan<float>(), 1e-5, 1e-5);
    }

    [Fact]
    public void A_weight_of_the_wrong_length_is_refused()
    {
        var x = Tensor.Zeros(DType.F32, new Shape(2, 8));
        var e = Assert.Throws<ArgumentException>(() => _backend.RmsNorm(x, Tensor.Zeros(DType.F32, new Shape(7)), 1e-6f, x));
        Assert.Contains("weight", e.Message);
    }
}
