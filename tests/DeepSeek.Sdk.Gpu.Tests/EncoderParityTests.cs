using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Backends.Cuda;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Gpu.Tests;

/// <summary>The image encoder and VQ decoder operations (Conv2d, GroupNorm, UpsampleNearest, UnmaskedAttention) of
/// the CUDA backend against the CPU backend on the same inputs.</summary>
public sealed class EncoderParityTests(GpuFixture gpu)
{
    // F32 on both sides, sums in different orders: 1e-5 of the output's scale is ten times that.
    private const double F32Tolerance = 1e-5;

    // cuBLAS multiplies BF16/F16 weights with the patches rounded to the same type (MatMul's GEMM path), the CPU keeps
    // them in F32: one rounding of 2^-9 (BF16) per input, averaged over the patch.
    private const double HalfTolerance = 1e-2;

    private static float[] Run(IBackend backend, Tensor[] inputs, Shape output, Action<IBackend, Tensor[], Tensor> op)
    {
        var device = new Tensor[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) device[i] = backend.Upload(inputs[i]);
        var y = backend.Allocate(DType.F32, output);
        op(backend, device, y);
        return Parity.ToHost(backend, y);
    }

    private static void Conv(IBackend cpu, IBackend cuda, DType weightType, int batch, int size, int inC, int outC, int k, int stride, int padding, bool bias, double tolerance)
    {
        var x = Parity.Host(Parity.Random(1, (long)batch * size * size * inC), batch, size, size, inC);
        var w = Parity.Stored(Parity.Random(2, (long)outC * inC * k * k, 0.2f), weightType, outC, inC, k, k);
        var b = Parity.Host(Parity.Random(3, outC), outC);
        int outSize = (size + 2 * padding - k) / stride + 1;
        var shape = new Shape(batch, outSize, outSize, outC);
        Tensor[] inputs = bias ? [x, w, b] : [x, w];
        Action<IBackend, Tensor[], Tensor> op = (be, t, y) => be.Conv2d(t[0], t[1], bias ? t[2] : null, stride, padding, y);
        Parity.Close(Run(cpu, inputs, shape, op), Run(cuda, inputs, shape, op), tolerance,
            $"conv2d {weightType} {batch}x{size}x{size}x{inC} -> {outC}, {k}x{k} stride {stride} padding {padding}{(bias ? " bias" : "")}");
    }

    [Theory]
    [InlineData(DType.F32, 1, 9, 5, 7, 3, 1, 1, true)] // VQ decoder's 3x3 convolutions
    [InlineData(DType.F32, 2, 8, 4, 6, 3, 2, 0, false)] // strided, no padding, two images
    [InlineData(DType.F32, 1, 6, 16, 8, 1, 1, 0, true)] // 1x1: a plain product without im2col
    [InlineData(DType.F32, 1, 3, 4, 5, 3, 1, 1, true)] // 9 output pixels: past the GEMV limit of 8
    [InlineData(DType.F32, 1, 2, 4, 5, 3, 1, 1, false)] // 4 output pixels: the GEMV path
    [InlineData(DType.F32, 1, 32, 3, 16, 16, 16, 0, true)] // SigLIP's patch embedding shape (scaled down)
    [InlineData(DType.BF16, 1, 12, 32, 24, 3, 1, 1, true)]
    [InlineData(DType.F16, 1, 12, 32, 24, 3, 1, 1, false)]
    public void Conv2d_matches_the_cpu(DType weightType, int batch, int size, int inC, int outC, int k, int stride, int padding, bool bias)
    {
        var cuda = gpu.Require();
        Conv(gpu.Cpu, cuda, weightType, batch, size, inC, outC, k, stride, padding, bias, weightType == DType.F32 ? F32Tolerance : HalfTolerance);
    }

    [Fact]
    public void Conv2d_in_chunks_of_output_pixels_matches_the_cpu()
    {
        gpu.Require();
        // 4 KiB of patches: 28 of the 400 output pixels per chunk, the last chunk partial.
        Assert.True(CudaBackend.TryCreate(0, out var small, out string? whyNot, new CudaBackendOptions { ConvolutionScratchBytes = 4096 }), whyNot);
        using (small) Conv(gpu.Cpu, small, DType.F32, 1, 20, 4, 6, 3, 1, 1, true, F32Tolerance);
    }

    [Theory]
    [InlineData(1, 37, 8, 2)]
    [InlineData(2, 64, 96, 32)]
    [InlineData(1, 1, 12, 12)]
    public void GroupNorm_matches_the_cpu(int batch, int positions, int channels, int groups)
    {
        var cuda = gpu.Require();
        // An offset mean, so that a one-pass variance would lose digits.
        var values = Parity.Random(4, (long)batch * positions * channels, 2f);
        for (int i = 0; i < values.Length; i++) values[i] += 30f;
        var x = Parity.Host(values, batch, positions, channels);
        var w = Parity.Host(Parity.Random(5, channels), channels);
        var b = Parity.Host(Parity.Random(6, channels), channels);
        var shape = new Shape(batch, positions, channels);
        Action<IBackend, Tensor[], Tensor> op = (be, t, y) => be.GroupNorm(t[0], groups, t[1], t[2], 1e-6f, y);
        Parity.Close(Run(gpu.Cpu, [x, w, b], shape, op), Run(cuda, [x, w, b], shape, op), F32Tolerance, $"groupnorm {shape} in {groups} groups");
    }

    [Fact]
    public void GroupNorm_runs_in_place()
    {
        var cuda = gpu.Require();
        var values = Parity.Random(7, 2 * 50 * 16, 3f);
        var w = Parity.Host(Parity.Random(8, 16), 16);
        var b = Parity.Host(Parity.Random(9, 16), 16);
        var expected = Run(gpu.Cpu, [Parity.Host(values, 2, 50, 16), w, b], new Shape(2, 50, 16), (be, t, y) => be.GroupNorm(t[0], 4, t[1], t[2], 1e-5f, y));
        var x = cuda.Upload(Parity.Host(values, 2, 50, 16));
        cuda.GroupNorm(x, 4, cuda.Upload(w), cuda.Upload(b), 1e-5f, x);
        Parity.Close(expected, Parity.ToHost(cuda, x), F32Tolerance, "groupnorm in place");
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(1, 3)]
    public void UpsampleNearest_gives_the_cpu_values(int fy, int fx)
    {
        var cuda = gpu.Require();
        var x = Parity.Host(Parity.Random(10, 2 * 5 * 7 * 3), 2, 5, 7, 3);
        var shape = new Shape(2, 5 * fy, 7 * fx, 3);
        Action<IBackend, Tensor[], Tensor> op = (be, t, y) => be.UpsampleNearest(t[0], y);
        Parity.Close(Run(gpu.Cpu, [x], shape, op), Run(cuda, [x], shape, op), 0, $"upsample x{fy}x{fx}");
    }

    [Theory]
    [InlineData(1, 7, 7, 2, 16, 16)]
    [InlineData(2, 33, 600, 4, 64, 48)] // enough keys for several splits
    [InlineData(1, 576, 576, 16, 64, 64)] // SigLIP-L at 384x384: 24x24 patches, 16 heads of 64
    public void UnmaskedAttention_matches_the_cpu(int batch, int queries, int keys, int heads, int headDim, int valueDim)
    {
        var cuda = gpu.Require();
        var q = Parity.Host(Parity.Random(11, (long)batch * queries * heads * headDim), batch, queries, heads, headDim);
        var k = Parity.Host(Parity.Random(12, (long)batch * keys * heads * headDim), batch, keys, heads, headDim);
        var v = Parity.Host(Parity.Random(13, (long)batch * keys * heads * valueDim), batch, keys, heads, valueDim);
        var shape = new Shape(batch, queries, heads, valueDim);
        float scale = 1f / MathF.Sqrt(headDim) * 4f; // sharper than random inputs give, so that the max matters
        Action<IBackend, Tensor[], Tensor> op = (be, t, y) => be.UnmaskedAttention(t[0], t[1], t[2], scale, y);
        Parity.Close(Run(gpu.Cpu, [q, k, v], shape, op), Run(cuda, [q, k, v], shape, op), F32Tolerance, $"unmasked attention {shape} over {keys} keys");
    }

    [Fact]
    public void Encoder_ops_reject_mismatched_shapes_with_the_cpu_message()
    {
        var cuda = gpu.Require();
        var x = cuda.Allocate(DType.F32, new Shape(1, 8, 8, 4));
        var w = cuda.Allocate(DType.F32, new Shape(6, 5, 3, 3));
        var y = cuda.Allocate(DType.F32, new Shape(1, 8, 8, 6));
        var e = Assert.Throws<ArgumentException>(() => cuda.Conv2d(x, w, null, 1, 1, y));
        Assert.Contains("must take the 4 channels", e.Message);
        var small = cuda.Allocate(DType.F32, new Shape(1, 15, 16, 4));
        Assert.Throws<ArgumentException>(() => cuda.UpsampleNearest(x, small));
    }
}
