using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Core.Tests.Backends;

public sealed class SelectionKernelsTests : IDisposable
{
    private readonly CpuBackend _backend = new(threadCount: 1);

    public void Dispose() => _backend.Dispose();

    [Fact]
    public void Argmax_breaks_ties_toward_the_lower_index()
    {
        var x = KernelReference.F32([1f, 5f, 5f, 2f, -1f, -1f, -3f, -1f], 2, 4);
        var indices = Tensor.Zeros(DType.I32, new Shape(2));
        _backend.Argmax(x, indices);
        Assert.Equal([1, 0], indices.AsSpan<int>().ToArray());
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 7, 3)]
    [InlineData(17, 33, 8)]
    [InlineData(2, 257, 50)]
    public void TopK_matches_a_stable_sort_by_descending_value(int rows, int cols, int k)
    {
        var rng = new Random(rows + cols + k);
        var x = new float[rows * cols];
        for (int i = 0; i < x.Length; i++) x[i] = rng.Next(-5, 6); // few distinct values: many ties
        var values = Tensor.Zeros(DType.F32, new Shape(rows, k));
        var indices = Tensor.Zeros(DType.I32, new Shape(rows, k));
        _backend.TopK(KernelReference.F32(x, rows, cols), values, indices);
        for (int r = 0; r < rows; r++)
        {
            var order = new int[cols];
            for (int i = 0; i < cols; i++) order[i] = i;
            int row = r;
            // Array.Sort is unstable, so the comparison itself orders equal values by index.
            Array.Sort(order, (a, b) => x[row * cols + a] != x[row * cols + b] ? x[row * cols + b].CompareTo(x[row * cols + a]) : a.CompareTo(b));
            for (int j = 0; j < k; j++)
            {
                Assert.Equal(order[j], indices.AsSpan<int>()[r * k + j]);
                Assert.Equal(x[r * cols + order[j]], values.AsSpan<float>()[r * k + j]);
            }
        }
    }

    [Fact]
    public void Argmax_never_lets_NaN_win_over_a_number()
    {
        // NaN first, NaN inside, all NaN (index 0): the same rule as Sampler.ArgMax and the CUDA kernel.
        var x = KernelReference.F32([float.NaN, 1f, 3f, float.NaN, float.NaN, float.NaN, -4f, float.NaN, float.NaN, float.NaN, float.NaN, float.NaN], 3, 4);
        var indices = Tensor.Zeros(DType.I32, new Shape(3));
        _backend.Argmax(x, indices);
        Assert.Equal([2, 2, 0], indices.AsSpan<int>().ToArray());
    }

    [Fact]
    public void TopK_larger_than_the_row_is_refused()
    {
        var x = Tensor.Zeros(DType.F32, new Shape(1, 3));
        Assert.Throws<ArgumentException>(() => _backend.TopK(x, Tensor.Zeros(DType.F32, new Shape(1, 4)), Tensor.Zeros(DType.I32, new Shape(1, 4))));
    }
}
