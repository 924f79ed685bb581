using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Core.Tests.Backends;

public sealed class SoftmaxKernelsTests : IDisposable
{
    // exp and the normalizing sum in F32 over up to 257 terms: a few 1e-7 relative; 2e-6 leaves margin.
    private const double Tolerance = 2e-6;

    private readonly CpuBackend _backend = new(threadCount: 1);

    public void Dispose() => _backend.Dispose();

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(17, 33)]
    [InlineData(2, 257)]
    public void Softmax_with_scale_and_causal_lengths_matches_the_definition(int rows, int cols)
    {
        var rng = new Random(rows * cols);
        var x = KernelReference.Random(rng, rows * cols, 20f);
        const float scale = 0.125f;
        var lengths = new int[rows];
        for (int r = 0; r < rows; r++) lengths[r] = Math.Min(cols, 1 + r * Math.Max(1, cols / rows)); // causal-like
        var expected = new double[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int i = 0; i < lengths[r]; i++) max = Math.Max(max, x[r * cols + i] * (double)scale);
            for (int i = 0; i < lengths[r]; i++) sum += Math.Exp(x[r * cols + i] * (double)scale - max);
            for (int i = 0; i < lengths[r]; i++) expected[r * cols + i] = Math.Exp(x[r * cols + i] * (double)scale - max) / sum;
        }
        var y = Tensor.Zeros(DType.F32, new Shape(rows, cols));
        _backend.Softmax(KernelReference.F32(x, rows, cols), y, scale, Tensor.FromArray(lengths, rows));
        KernelReference.Close(expected, y.AsSpan<float>(), Tolerance, 1e-8);
        for (int r = 0; r < rows; r++)
            for (int i = lengths[r]; i < cols; i++) Assert.Equal(0f, y.AsSpan<float>()[r * cols + i]);
    }

    [Fact]
    public void A_valid_length_beyond_the_row_is_refused()
    {
        var x = Tensor.Zeros(DType.F32, new Shape(1, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => _backend.Softmax(x, x, 1f, Tensor.FromArray([5], 1)));
    }
}
