using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Core.Tests.Checkpoints;

public class SafetensorsWriterTests
{
    [Theory]
    [MemberData(nameof(OracleFixtures.Cases), MemberType = typeof(OracleFixtures))]
    public void Rewriting_a_fixture_reproduces_the_reference_writer_byte_for_byte(string caseName)
    {
        using var dir = new TempDirectory();
        foreach (string source in new[] { OracleFixtures.Model(caseName), OracleFixtures.Expected(caseName) })
        {
            string copy = dir.File(Path.GetFileName(source));
            using (var file = SafetensorsFile.Open(source))
            {
                var tensors = new Dictionary<string, Tensor>();
                foreach (var info in file.Tensors) tensors.Add(info.Name, file.GetTensor(info.Name));
                SafetensorsWriter.Write(copy, tensors, file.Metadata.Count == 0 ? null : file.Metadata);
            }
            Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(copy));
        }
    }

    [Theory]
    [InlineData(DType.F64)]
    [InlineData(DType.F32)]
    [InlineData(DType.F16)]
    [InlineData(DType.BF16)]
    [InlineData(DType.F8E4M3)]
    [InlineData(DType.F8E5M2)]
    [InlineData(DType.I64)]
    [InlineData(DType.I32)]
    [InlineData(DType.I16)]
    [InlineData(DType.I8)]
    [InlineData(DType.U8)]
    [InlineData(DType.Bool)]
    public void Every_dtype_round_trips_bit_exactly(DType dtype)
    {
        var shape = new Shape(3, 5);
        var tensor = Tensor.Zeros(dtype, shape);
        var bytes = new byte[tensor.ByteCount];
        // A pattern that differs per byte, so a swapped or shifted element shows; Bool stays 0/1.
        for (int i = 0; i < bytes.Length; i++) bytes[i] = dtype == DType.Bool ? (byte)(i % 2) : (byte)(i * 37 + 11);
        unsafe
        {
            bytes.CopyTo(new Span<byte>(tensor.DataPointer, bytes.Length));
        }
        var scalar = Tensor.FromArray([42f], 1).Reshape();
        var empty = Tensor.Zeros(dtype, new Shape(0, 4));

        using var dir = new TempDirectory();
        string path = dir.File("roundtrip.safetensors");
        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["t"] = tensor, ["scalar"] = scalar, ["empty"] = empty },
            new Dictionary<string, string> { ["format"] = "pt", ["note"] = "round trip" });

        Assert.Equal(0, (new FileInfo(path).Length - TotalData(tensor, scalar, empty)) % 8);
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(0, file.HeaderLength % 8);
        Assert.Equal(dtype, file.GetInfo("t").DType);
        Assert.Equal(shape, file.GetInfo("t").Shape);
        Assert.Equal(bytes, file.GetBytes("t").ToArray());
        Assert.Equal(Shape.Scalar, file.GetTensor("scalar").Shape);
        Assert.Equal([42f], file.GetTensor("scalar").ToFloatArray());
        Assert.Equal(0, file.GetTensor("empty").ElementCount);
        Assert.Equal("round trip", file.Metadata["note"]);
    }

    [Fact]
    public void Strided_views_are_written_in_row_major_order()
    {
        var source = Tensor.FromArray([0f, 1, 2, 3, 4, 5], 2, 3);
        using var dir = new TempDirectory();
        string path = dir.File("t.safetensors");
        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["t"] = source.Transpose(0, 1) });
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(new Shape(3, 2), file.GetTensor("t").Shape);
        Assert.Equal([0f, 3, 1, 4, 2, 5], file.GetTensor("t").ToFloatArray());
    }

    [Fact]
    public void Wider_dtypes_come_first_then_names_in_order()
    {
        using var dir = new TempDirectory();
        string path = dir.File("order.safetensors");
        SafetensorsWriter.Write(path, new Dictionary<string, Tensor>
        {
            ["b"] = Tensor.Zeros(DType.BF16, new Shape(3)),
            ["a"] = Tensor.Zeros(DType.BF16, new Shape(1)),
            ["z"] = Tensor.Zeros(DType.F32, new Shape(2)),
            ["c"] = Tensor.Zeros(DType.U8, new Shape(5)),
        });
        using var file = SafetensorsFile.Open(path);
        var order = new List<string>();
        foreach (var info in file.Tensors) order.Add(info.Name);
        Assert.Equal(["z", "a", "b", "c"], order);
        Assert.Equal(0, file.GetInfo("z").DataBegin);
        Assert.Equal(8, file.GetInfo("a").DataBegin);
    }

    private static long TotalData(params Tensor[] tensors)
    {
        long total = 8;
        foreach (var t in tensors) total += t.ByteCount;
        return total;
    }
}
