using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Gpu.Tests;

/// <summary>Every row and elementwise operation of the CUDA backend against the CPU backend on the same inputs.</summary>
public sealed class ElementwiseParityTests(GpuFixture gpu)
{
    // Both sides compute in F32 with libm-grade exp/tanh/erf (CUDA's expf is within 2 ulp, TensorPrimitives' within
    // a few); sums differ only in order. 1e-5 of the row's scale is ten times what that can produce.
    private const double Tolerance = 1e-5;

    private static float[] Run(IBackend backend, Tensor[] inputs, Shape output, Action<IBackend, Tensor[], Tensor> op)
    {
        var device = new Tensor[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) device[i] = backend.Upload(inputs[i]);
        var y = backend.Allocate(DType.F32, output);
        op(backend, device, y);
        return Parity.ToHost(backend, y);
    }

    private void Same(string what, Tensor[] inputs, Shape output, Action<IBackend, Tensor[], Tensor> op, double tolerance = Tolerance)
    {
        var cuda = gpu.Require();
        var expected = Run(gpu.Cpu, inputs, output, op);
        var actual = Run(cuda, inputs, output, op);
        Parity.Close(expected, actual, tolerance, what);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(70001)]
    public void Activations_match_the_cpu(int count)
    {
        var x = Parity.Host(Parity.Random(count, count, 8f), count);
        var u = Parity.Host(Parity.Random(count + 1, count, 2f), count);
        var shape = new Shape(count);
        Same("silu", [x], shape, (b, t, y) => b.Silu(t[0], y));
        Same("swiglu", [x, u], shape, (b, t, y) => b.SwiGlu(t[0], t[1], y));
        Same("gelu exact", [x], shape, (b, t, y) => b.Gelu(t[0], y, GeluApproximation.Exact));
        Same("gelu tanh", [x], shape, (b, t, y) => b.Gelu(t[0], y, GeluApproximation.Tanh));
        Same("scale", [x], shape, (b, t, y) => b.Scale(t[0], -0.37f, y));
        Same("add_scaled", [x, u], shape, (b, t, y) => b.AddScaled(t[0], t[1], 0.25f, y));
    }

    [Fact]
    public void Add_and_Mul_match_the_cpu_with_same_shape_and_broadcast_rows()
    {
        var a = Parity.Host(Parity.Random(1, 7 * 96), 7, 96);
        var b = Parity.Host(Parity.Random(2, 7 * 96), 7, 96);
        var row = Parity.Host(Parity.Random(3, 96), 96);
        var shape = new Shape(7, 96);
        Same("add", [a, b], shape, (be, t, y) => be.Add(t[0], t[1], y));
        Same("mul", [a, b], shape, (be, t, y) => be.Mul(t[0], t[1], y));
        Same("add row", [a, row], shape, (be, t, y) => be.Add(t[0], t[1], y));
        Same("mul row", [a, row], shape, (be, t, y) => be.Mul(t[0], t[1], y));
    }

    [Theory]
    [InlineData(1, 64)]
    [InlineData(5, 1536)]
    [InlineData(3, 7168)]
    public void Norms_match_the_cpu(int rows, int cols)
    {
        var x = Parity.Host(Parity.Random(rows, rows * cols, 3f), rows, cols);
        var w = Parity.Random(cols, cols);
        var shape = new Shape(rows, cols);
        Same("rmsnorm f32 weight", [x, Parity.Host(w, cols)], shape, (b, t, y) => b.RmsNorm(t[0], t[1], 1e-6f, y));
        Same("rmsnorm bf16 weight", [x, Parity.Stored(w, DType.BF16, cols)], shape, (b, t, y) => b.RmsNorm(t[0], t[1], 1e-6f, y));
        var bias = Parity.Host(Parity.Random(cols + 1, cols), cols);
        Same("layernorm", [x, Parity.Host(w, cols), bias], shape, (b, t, y) => b.LayerNorm(t[0], t[1], t[2], 1e-5f, y));
        Same("layernorm without bias", [x, Parity.Host(w, cols)], shape, (b, t, y) => b.LayerNorm(t[0], t[1], null, 1e-5f, y));
    }

    [Fact]
    public void Norms_run_in_place()
    {
        var cuda = gpu.Require();
        var values = Parity.Random(9, 4 * 300, 2f);
        var w = Parity.Host(Parity.Random(10, 300), 300);
        var expected = Run(gpu.Cpu, [Parity.Host(values, 4, 300), w], new Shape(4, 300), (b, t, y) => b.RmsNorm(t[0], t[1], 1e-6f, y));
        var x = cuda.Upload(Parity.Host(values, 4, 300));
        cuda.RmsNorm(x, cuda.Upload(w), 1e-6f, x);
        Parity.Close(expected, Parity.ToHost(cuda, x), Tolerance, "rmsnorm in place");
    }

    [Fact]
    public void Softmax_matches_the_cpu_with_scale_and_valid_lengths()
    {
        var x = Parity.Host(Parity.Random(4, 6 * 517, 10f), 6, 517);
        var lengths = Parity.Host(new[] { 517, 1, 0, 300, 516, 2 }, 6);
        var shape = new Shape(6, 517);
        Same("softmax", [x], shape, (b, t, y) => b.Softmax(t[0], y, 0.7f));
        Same("softmax valid lengths", [x, lengths], shape, (b, t, y) => b.Softmax(t[0], y, 1.3f, t[1]));
    }

    [Theory]
    [InlineData(RotaryLayout.HalfSplit, 0)]
    [InlineData(RotaryLayout.Interleaved, 16)]
    public void Rotary_matches_the_cpu(RotaryLayout layout, int offset)
    {
        int tokens = 5, heads = 3, headDim = offset + 32, half = 16, table = 40;
        var x = Parity.Host(Parity.Random(5, tokens * heads * headDim), tokens, heads, headDim);
        var positions = Parity.Host(new[] { 0, 7, 39, 3, 3 }, tokens);
        var cos = Parity.Host(Parity.Random(6, table * half), table, half);
        var sin = Parity.Host(Parity.Random(7, table * half), table, half);
        Same($"rotary {layout}", [x, positions, cos, sin], x.Shape, (b, t, y) =>
        {
            b.Convert(t[0], y);
            b.ApplyRotary(y, t[1], t[2], t[3], layout, offset);
        });
    }

    [Theory]
    [InlineData(DType.F32, DType.I32)]
    [InlineData(DType.BF16, DType.I64)]
    [InlineData(DType.F16, DType.I32)]
    public void Embedding_matches_the_cpu(DType tableType, DType idType)
    {
        int vocab = 50, cols = 24;
        var table = Parity.Stored(Parity.Random(8, vocab * cols), tableType, vocab, cols);
        int[] idValues = [3, 49, 0, 3, 17];
        var ids = idType == DType.I32 ? Parity.Host(idValues, idValues.Length)
            : Tensor.FromSpan<long>(Array.ConvertAll(idValues, v => (long)v), new Shape(idValues.Length), DType.I64);
        Same($"embedding {tableType} by {idType}", [ids, table], new Shape(idValues.Length, cols), (b, t, y) => b.Embedding(t[0], t[1], y), 0);
    }

    [Theory]
    [InlineData(DType.BF16)]
    [InlineData(DType.F16)]
    [InlineData(DType.F8E4M3)]
    public void Conversions_give_the_cpu_bits(DType half)
    {
        var cuda = gpu.Require();
        // Values across the formats' ranges, with exact ties, overflow and subnormals for F16/FP8.
        var values = Parity.Random(11, 4000, 600f);
        values[0] = 0.5f + 1f / 256; values[1] = -1e-6f; values[2] = 1e5f; values[3] = -448.5f; values[4] = 0.001953125f * 3;
        var x = Parity.Host(values, 40, 100);
        var expected = Tensor.Zeros(half, x.Shape);
        gpu.Cpu.Convert(x, expected);
        var device = cuda.Allocate(half, x.Shape);
        cuda.Convert(cuda.Upload(x), device);
        var actual = Tensor.Zeros(half, x.Shape);
        cuda.CopyToHost(device, actual);
        if (half == DType.F8E4M3) Assert.Equal(expected.AsSpan<byte>().ToArray(), actual.AsSpan<byte>().ToArray());
        else Assert.Equal(expected.AsSpan<ushort>().ToArray(), actual.AsSpan<ushort>().ToArray());

        // And back to F32: exact.
        var back = cuda.Allocate(DType.F32, x.Shape);
        cuda.Convert(device, back);
        Assert.Equal(expected.ToFloatArray(), Parity.ToHost(cuda, back));
    }

    [Fact]
    public void Argmax_and_TopK_agree_with_the_cpu_including_ties()
    {
        var cuda = gpu.Require();
        int rows = 8, cols = 151936;
        var values = Parity.Random(12, rows * cols, 5f);
        // Row 1: a tie for the maximum (the lower index wins); row 2: many equal values in the top k.
        values[cols + 100] = 9f; values[cols + 90000] = 9f;
        for (int i = 0; i < 20; i++) values[2 * cols + 1000 * i] = 7f;
        // Argmax rows split over blocks of about 4096 values: row 4 a tie across a block boundary; row 5 NaN first and
        // inside, which never beats a number; row 6 all NaN (index 0); row 7 the maximum last.
        values[4 * cols + 4095] = 9f; values[4 * cols + 4096] = 9f;
        values[5 * cols] = float.NaN; values[5 * cols + 7000] = float.NaN; values[5 * cols + 120000] = 9f;
        values.AsSpan(6 * cols, cols).Fill(float.NaN);
        values[8 * cols - 1] = 9f;
        var x = Parity.Host(values, rows, cols);
        var cpuIndex = Tensor.Zeros(DType.I32, new Shape(rows));
        gpu.Cpu.Argmax(x, cpuIndex);
        Assert.Equal([100, 4095, 120000, 0, cols - 1], new[] { 1, 4, 5, 6, 7 }.Select(r => cpuIndex.AsSpan<int>()[r]));
        var gpuIndex = cuda.Allocate(DType.I32, new Shape(rows));
        var dx = cuda.Upload(x);
        // Twice: the per-row counters must be back at zero after each launch.
        for (int run = 0; run < 2; run++)
        {
            cuda.Argmax(dx, gpuIndex);
            Assert.Equal(cpuIndex.AsSpan<int>().ToArray(), Parity.ToHostInts(cuda, gpuIndex));
        }
        for (int r = 0; r < rows; r++)
            Assert.Equal(Sampler.ArgMax(values.AsSpan(r * cols, cols)), cpuIndex.AsSpan<int>()[r]);
        // Rows 0..3 only: TopK's NaN order is not part of its contract.
        rows = 4;
        x = Parity.Host(values[..(rows * cols)], rows, cols);
        dx = cuda.Upload(x);

        foreach (int k in (int[])[1, 6, 50])
        {
            var cpuValues = Tensor.Zeros(DType.F32, new Shape(rows, k));
            var cpuIndices = Tensor.Zeros(DType.I32, new Shape(rows, k));
            gpu.Cpu.TopK(x, cpuValues, cpuIndices);
            var gv = cuda.Allocate(DType.F32, new Shape(rows, k));
            var gi = cuda.Allocate(DType.I32, new Shape(rows, k));
            cuda.TopK(dx, gv, gi);
            Assert.Equal(cpuIndices.AsSpan<int>().ToArray(), Parity.ToHostInts(cuda, gi));
            Assert.Equal(cpuValues.AsSpan<float>().ToArray(), Parity.ToHost(cuda, gv));
        }
    }
}
