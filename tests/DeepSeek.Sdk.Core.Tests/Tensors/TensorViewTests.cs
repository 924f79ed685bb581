using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Core.Tests.Tensors;

public class TensorViewTests
{
    private static Tensor Iota(params int[] shape)
    {
        var s = new Shape(shape);
        var data = new float[s.ElementCount];
        for (int i = 0; i < data.Length; i++) data[i] = i;
        return Tensor.FromArray(data, shape);
    }

    [Fact]
    public void Slice_select_and_transpose_share_storage_without_copying()
    {
        var t = Iota(3, 4);
        var col = t.Transpose(0, 1).Select(0, 2);
        Assert.Same(t.Storage, col.Storage);
        Assert.Equal([2f, 6f, 10f], col.ToFloatArray());
        var rows = t.Slice(0, 1, 2);
        Assert.True(rows.IsContiguous);
        Assert.Equal([4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f], rows.ToFloatArray());
        rows.AsSpan<float>()[0] = -1;
        Assert.Equal(-1f, t.ToFloatArray()[4]);
    }

    [Fact]
    public void Reshape_of_a_non_contiguous_view_is_refused()
    {
        var t = Iota(2, 3);
        Assert.Throws<InvalidOperationException>(() => t.Transpose(0, 1).Reshape(6));
        Assert.Equal(new Shape(3, 2), t.Reshape(3, 2).Shape);
        Assert.Throws<ArgumentException>(() => t.Reshape(4, 2));
    }

    [Fact]
    public void Span_access_checks_element_size_against_dtype()
    {
        var t = Tensor.Zeros(DType.BF16, new Shape(4));
        Assert.Equal(4, t.AsSpan<ushort>().Length);
        Assert.Throws<InvalidOperationException>(() => t.AsSpan<float>());
    }

    [Fact]
    public void Block_scales_multiply_fp8_values_tile_by_tile()
    {
        var w = Tensor.Zeros(DType.F8E4M3, new Shape(3, 5));
        w.AsSpan<byte>().Fill(ScalarConversions.F32ToF8E4M3(1.5f));
        var scales = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        var scaled = w.WithScales(new BlockScales(scales, 2, 4), "w");
        var v = scaled.ToFloatArray();
        Assert.Equal(1.5f, v[0]);      // row 0, col 0: tile (0,0)
        Assert.Equal(3f, v[4]);        // row 0, col 4: tile (0,1)
        Assert.Equal(4.5f, v[10]);     // row 2, col 0: tile (1,0)
        Assert.Equal(6f, v[14]);       // row 2, col 4: tile (1,1)
        Assert.Throws<ArgumentException>(() => w.WithScales(new BlockScales(scales, 4, 4), "w"));
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(1f)]
    [InlineData(-3.25f)]
    [InlineData(448f)]
    [InlineData(0.001953125f)] // smallest subnormal 2^-9
    public void Fp8_round_trips_representable_values(float value)
    {
        Assert.Equal(value, ScalarConversions.F8E4M3ToF32(ScalarConversions.F32ToF8E4M3(value)));
    }

    [Fact]
    public void Fp8_saturates_and_rounds_to_nearest_even()
    {
        Assert.Equal(448f, ScalarConversions.F8E4M3ToF32(ScalarConversions.F32ToF8E4M3(1e6f)));
        // 1.0625 lies halfway between 1.0 and 1.125: ties go to the even code (1.0).
        Assert.Equal(1f, ScalarConversions.F8E4M3ToF32(ScalarConversions.F32ToF8E4M3(1.0625f)));
        Assert.Equal(1.25f, ScalarConversions.F8E4M3ToF32(ScalarConversions.F32ToF8E4M3(1.1875f)));
        Assert.True(float.IsNaN(ScalarConversions.F8E4M3ToF32(0x7F)));
    }

    [Fact]
    public void Bf16_rounds_to_nearest_even()
    {
        Assert.Equal(1f, ScalarConversions.BF16ToF32(ScalarConversions.F32ToBF16(1.00390625f))); // halfway, even is 1.0
        Assert.Equal(1.0078125f, ScalarConversions.BF16ToF32(ScalarConversions.F32ToBF16(1.005f)));
        Assert.True(float.IsNaN(ScalarConversions.BF16ToF32(ScalarConversions.F32ToBF16(float.NaN))));
    }
}
