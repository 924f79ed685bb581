using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Core.Tests.Backends;

public sealed class EmbeddingAndElementwiseKernelsTests : IDisposable
{
    private readonly CpuBackend _backend = new(threadCount: 1);

    public void Dispose() => _backend.Dispose();

    [Theory]
    [InlineData(DType.F32, DType.I32)]
    [InlineData(DType.BF16, DType.I64)]
    [InlineData(DType.F16, DType.I32)]
    public void Embedding_gathers_rows_converted_exactly_to_f32(DType tableType, DType idType)
    {
        var rng = new Random(3);
        int vocab = 11, cols = 37;
        var f32 = Tensor.FromSpan<float>(KernelReference.Random(rng, vocab * cols), new Shape(vocab, cols), DType.F32);
        var table = tableType == DType.F32 ? f32 : Tensor.Zeros(tableType, f32.Shape);
        if (tableType != DType.F32) _backend.Convert(f32, table);
        int[] ids = [4, 0, 10, 4];
        var idTensor = idType == DType.I32 ? Tensor.FromArray(ids, 4) : Tensor.FromSpan<long>([4L, 0L, 10L, 4L], new Shape(4), DType.I64);
        var y = Tensor.Zeros(DType.F32, new Shape(4, cols));
        _backend.Embedding(idTensor, table, y);
        var expected = table.ToFloatArray(); // scalar conversions are the independent reference
        for (int t = 0; t < ids.Length; t++)
            Assert.Equal(expected.AsSpan(ids[t] * cols, cols).ToArray(), y.AsSpan<float>().Slice(t * cols, cols).ToArray());
    }

    [Fact]
    public void Embedding_names_an_out_of_vocabulary_id()
    {
        var table = Tensor.Zeros(DType.F32, new Shape(5, 2));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _backend.Embedding(Tensor.FromArray([1, 5], 2), table, Tensor.Zeros(DType.F32, new Shape(2, 2))));
        Assert.Contains("Token id 5", e.Message);
    }

    [Fact]
    public void Add_and_Mul_broadcast_one_row_and_AddScaled_fuses_the_multiply()
    {
        var a = KernelReference.F32([1, 2, 3, 4, 5, 6], 2, 3);
        var row = KernelReference.F32([10, 20, 30], 3);
        var y = Tensor.Zeros(DType.F32, new Shape(2, 3));
        _backend.Add(a, row, y);
        Assert.Equal([11f, 22, 33, 14, 25, 36], y.AsSpan<float>().ToArray());
        _backend.Mul(a, row, y);
        Assert.Equal([10f, 40, 90, 40, 100, 180], y.AsSpan<float>().ToArray());
        _backend.AddScaled(a, a, 0.5f, y);
        Assert.Equal([1.5f, 3, 4.5f, 6, 7.5f, 9], y.AsSpan<float>().ToArray());
        _backend.Scale(a, -2f, y);
        Assert.Equal([-2f, -4, -6, -8, -10, -12], y.AsSpan<float>().ToArray());
        Assert.Throws<ArgumentException>(() => _backend.Add(a, KernelReference.F32([1, 2], 2), y));
    }

    [Theory]
    [InlineData(DType.BF16)]
    [InlineData(DType.F16)]
    public void Convert_round_trips_through_half_formats_with_round_to_nearest_even(DType half)
    {
        var rng = new Random(5);
        int n = 257;
        var values = KernelReference.Random(rng, n, 100f);
        var bits = Tensor.Zeros(half, new Shape(n));
        _backend.Convert(KernelReference.F32(values, n), bits);
        var back = Tensor.Zeros(DType.F32, new Shape(n));
        _backend.Convert(bits, back);
        for (int i = 0; i < n; i++)
        {
            ushort expected = half == DType.BF16 ? ScalarConversions.F32ToBF16(values[i]) : ScalarConversions.F32ToF16(values[i]);
            Assert.Equal(expected, bits.AsSpan<ushort>()[i]);
            float decoded = half == DType.BF16 ? ScalarConversions.BF16ToF32(expected) : ScalarConversions.F16ToF32(expected);
            Assert.Equal(decoded, back.AsSpan<float>()[i]);
        }
    }

    [Fact]
    public void Vectorized_F16_decoding_keeps_subnormals_infinities_and_signs()
    {
        ushort[] codes = [0x0001, 0x03FF, 0x0400, 0x3C00, 0x7BFF, 0x7C00, 0xFC00, 0x8001, 0xC000, 0x0000, 0x8000, 0x3555, 0x1234, 0x7000, 0x0200, 0xABCD, 0x5555];
        var src = Tensor.FromSpan<ushort>(codes, new Shape(codes.Length), DType.F16);
        var dst = Tensor.Zeros(DType.F32, new Shape(codes.Length));
        _backend.Convert(src, dst);
        for (int i = 0; i < codes.Length; i++)
            Assert.Equal(BitConverter.SingleToInt32Bits(ScalarConversions.F16ToF32(codes[i])), BitConverter.SingleToInt32Bits(dst.AsSpan<float>()[i]));
    }
}
