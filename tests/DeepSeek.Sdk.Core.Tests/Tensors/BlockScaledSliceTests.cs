using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Core.Tests.Tensors;

/// <summary>Slicing an FP8 weight with its block scales at any row or column, whatever weight_block_size tiles it:
/// the slice must hold exactly the values of the same elements of the whole weight.</summary>
public class BlockScaledSliceTests
{
    public static TheoryData<int, int> BlockSizes => new()
    {
        { 32, 16 }, { 16, 32 }, { 48, 32 }, { 128, 128 }, { 7, 5 }, { 1, 1 }, { 3, 64 }, { 40, 20 },
    };

    [Theory]
    [MemberData(nameof(BlockSizes))]
    public void Every_row_and_column_slice_keeps_the_values_of_the_whole_weight(int blockRows, int blockCols)
    {
        const int rows = 24, cols = 40;
        var weight = RandomFp8(rows, cols, blockRows, blockCols, seed: blockRows * 131 + blockCols);
        var whole = weight.ToFloatArray();

        for (int start = 0; start < rows; start++)
        {
            for (int length = 0; start + length <= rows; length += 5)
            {
                var slice = weight.Slice(0, start, length);
                Assert.Equal(whole.AsSpan(start * cols, length * cols).ToArray(), slice.ToFloatArray());
            }
        }
        for (int start = 0; start < cols; start++)
        {
            int length = Math.Min(7, cols - start);
            var slice = weight.Slice(1, start, length).ToFloatArray();
            for (int r = 0; r < rows; r++)
                Assert.Equal(whole.AsSpan(r * cols + start, length).ToArray(), slice.AsSpan(r * length, length).ToArray());
        }
    }

    [Fact]
    public void Slice_starting_on_a_tile_boundary_is_a_view_of_the_scales()
    {
        var weight = RandomFp8(24, 40, 8, 16, seed: 3);
        var rows = weight.Slice(0, 8, 11);
        Assert.Same(weight.Scales!.Scales.Storage, rows.Scales!.Scales.Storage);
        Assert.Equal((8, 16), (rows.Scales.BlockRows, rows.Scales.BlockCols));
        Assert.Equal(new Shape(2, 3), rows.Scales.Scales.Shape);
    }

    [Fact]
    public void Slice_starting_inside_a_tile_gets_finer_tiles_that_each_lie_in_one_original_tile()
    {
        // kv_a_proj_with_mqa of the alternative fixture: 16 + 8 rows in one 32-row tile, split at kv_lora_rank = 16.
        var weight = RandomFp8(24, 64, 32, 16, seed: 4);
        var rope = weight.Slice(0, 16, 8);
        Assert.Equal((16, 16), (rope.Scales!.BlockRows, rope.Scales.BlockCols));   // gcd(32, 16)
        Assert.Equal(new Shape(1, 4), rope.Scales.Scales.Shape);
        var odd = weight.Slice(0, 6, 18);
        Assert.Equal(2, odd.Scales!.BlockRows);                                     // gcd(32, 6)
        Assert.Equal(new Shape(9, 4), odd.Scales.Scales.Shape);
    }

    [Theory]
    [MemberData(nameof(BlockSizes))]
    public void Products_of_sliced_outputs_match_the_dequantized_rows(int blockRows, int blockCols)
    {
        const int rows = 24, cols = 40;
        var weight = RandomFp8(rows, cols, blockRows, blockCols, seed: 7 + blockRows);
        var whole = weight.ToFloatArray();
        var x = Tensor.FromArray(RandomValues(3 * cols, seed: 11), 3, cols);
        using var backend = new CpuBackend(1);
        var linear = new Linear(weight);
        foreach (var (start, count) in new[] { (0, 16), (16, 8), (5, 13), (23, 1) })
        {
            var part = linear.SliceOutputs(backend, start, count);
            var y = Tensor.Zeros(DType.F32, new Shape(3, count));
            part.Forward(backend, x, y);
            var got = y.ToFloatArray();
            var xs = x.ToFloatArray();
            for (int m = 0; m < 3; m++)
            {
                for (int n = 0; n < count; n++)
                {
                    // Against the dequantized row in double; a neighbouring tile's scale would be off by far more
                    // than F32 rounding of the sum of |terms|.
                    double sum = 0, magnitude = 0;
                    for (int k = 0; k < cols; k++)
                    {
                        double term = (double)xs[m * cols + k] * whole[(start + n) * cols + k];
                        sum += term;
                        magnitude += Math.Abs(term);
                    }
                    Assert.True(Math.Abs(got[m * count + n] - sum) <= 1e-6 * magnitude, $"rows {start}+{count}, y[{m}, {n}]: {got[m * count + n]} vs {sum}");
                }
            }
        }
    }

    // FP8 codes over the whole E4M3 range with a different positive scale per tile, so that a slice reading a
    // neighbouring tile's scale shows.
    internal static Tensor RandomFp8(int rows, int cols, int blockRows, int blockCols, int seed)
    {
        var random = new Random(seed);
        var codes = new byte[rows * cols];
        for (int i = 0; i < codes.Length; i++)
        {
            byte code = (byte)random.Next(256);
            codes[i] = (code & 0x7F) == 0x7F ? (byte)0x3C : code;   // no NaN
        }
        int scaleRows = (rows + blockRows - 1) / blockRows, scaleCols = (cols + blockCols - 1) / blockCols;
        var scales = new float[scaleRows * scaleCols];
        for (int i = 0; i < scales.Length; i++) scales[i] = (float)(0.5 + random.NextDouble()) * (i + 1) / 64f;
        return Tensor.FromSpan<byte>(codes, new Shape(rows, cols), DType.F8E4M3)
            .WithScales(new BlockScales(Tensor.FromArray(scales, scaleRows, scaleCols), blockRows, blockCols), "random fp8");
    }

    private static float[] RandomValues(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
