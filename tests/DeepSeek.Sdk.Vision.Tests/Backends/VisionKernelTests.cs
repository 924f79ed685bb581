using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Vision.Tests.Backends;

/// <summary>The CPU kernels the Janus vision paths added to IBackend, each against a naive double-precision
/// implementation of the PyTorch operation it stands for.</summary>
public sealed class VisionKernelTests : IDisposable
{
    // F32 sums of up to a few hundred products: error a few 1e-7 of Σ|terms|; 1e-5 leaves margin.
    private const double DotTolerance = 1e-5;

    private readonly CpuBackend _backend = new(threadCount: 3);

    public void Dispose() => _backend.Dispose();

    [Theory]
    [InlineData(1, 5, 7, 3, 4, 3, 1, 1, false)]   // 3x3, padding 1 (the VQ decoder's convolutions)
    [InlineData(2, 8, 8, 3, 5, 4, 4, 0, false)]   // kernel = stride (SigLIP's patch embedding)
    [InlineData(1, 6, 5, 4, 6, 1, 1, 0, false)]   // 1x1 (q/k/v/proj_out, nin_shortcut, post_quant_conv)
    [InlineData(1, 7, 6, 3, 2, 3, 2, 1, true)]    // stride 2 with padding, BF16 weight
    [InlineData(1, 64, 64, 32, 4, 3, 1, 1, false)] // 4096 pixels of 288 unfolded values: more than one unfolding tile
    public void Conv2d_matches_torch_conv2d_on_channels_last_images(int batch, int height, int width, int inChannels, int outChannels, int kernel, int stride, int padding, bool bf16)
    {
        var rng = new Random(height * 131 + width * 7 + kernel);
        var x = KernelReference.Random(rng, batch * height * width * inChannels, 2f);
        var w = KernelReference.Random(rng, outChannels * inChannels * kernel * kernel);
        var b = KernelReference.Random(rng, outChannels);
        Tensor weight = KernelReference.F32(w, outChannels, inChannels, kernel, kernel);
        if (bf16)
        {
            var bits = new ushort[w.Length];
            for (int i = 0; i < w.Length; i++) bits[i] = ScalarConversions.F32ToBF16(w[i]);
            weight = Tensor.FromSpan<ushort>(bits, weight.Shape, DType.BF16);
            w = weight.ToFloatArray();
        }
        int outH = (height + 2 * padding - kernel) / stride + 1, outW = (width + 2 * padding - kernel) / stride + 1;
        var expected = new double[batch * outH * outW * outChannels];
        var magnitude = new double[expected.Length];
        for (int n = 0; n < batch; n++)
            for (int oy = 0; oy < outH; oy++)
                for (int ox = 0; ox < outW; ox++)
                    for (int o = 0; o < outChannels; o++)
                    {
                        double sum = b[o], mag = Math.Abs(b[o]);
                        for (int c = 0; c < inChannels; c++)
                            for (int ky = 0; ky < kernel; ky++)
                                for (int kx = 0; kx < kernel; kx++)
                                {
                                    int iy = oy * stride - padding + ky, ix = ox * stride - padding + kx;
                                    if (iy < 0 || iy >= height || ix < 0 || ix >= width) continue;
                                    double term = (double)x[((n * height + iy) * width + ix) * inChannels + c] * w[((o * inChannels + c) * kernel + ky) * kernel + kx];
                                    sum += term;
                                    mag += Math.Abs(term);
                                }
                        int index = ((n * outH + oy) * outW + ox) * outChannels + o;
                        expected[index] = sum;
                        magnitude[index] = mag;
                    }
        var y = Tensor.Zeros(DType.F32, new Shape(batch, outH, outW, outChannels));
        _backend.Conv2d(KernelReference.F32(x, batch, height, width, inChannels), weight, KernelReference.F32(b, outChannels), stride, padding, y);
        KernelReference.Close(expected, y.AsSpan<float>(), DotTolerance, 0, magnitude);
    }

    [Fact]
    public void Conv2d_rejects_an_output_of_the_wrong_size_naming_the_expected_shape()
    {
        var x = Tensor.Zeros(DType.F32, new Shape(1, 4, 4, 2));
        var w = Tensor.Zeros(DType.F32, new Shape(3, 2, 3, 3));
        var y = Tensor.Zeros(DType.F32, new Shape(1, 4, 4, 3));
        var e = Assert.Throws<ArgumentException>(() => _backend.Conv2d(x, w, null, 1, 0, y));
        Assert.Contains("[1, 2, 2, 3]", e.Message);
    }

    [Theory]
    [InlineData(1, 9, 32, 32)]   // one channel per group (the fixture's 32-channel maps)
    [InlineData(2, 300, 64, 32)] // two channels per group, positions spread over threads
    [InlineData(1, 5, 12, 3)]
    [InlineData(1, 1, 12, 12)]   // one value per group: zero variance, so weight / sqrt(eps) is 1000x the weight
    public void GroupNorm_normalizes_each_group_over_positions_and_channels_with_the_biased_variance(int batch, int positions, int channels, int groups)
    {
        var rng = new Random(positions + channels);
        var x = KernelReference.Random(rng, batch * positions * channels, 3f);
        for (int i = 0; i < x.Length; i++) x[i] += 20f; // a large mean is where a one-pass variance loses digits
        var w = KernelReference.Random(rng, channels);
        var b = KernelReference.Random(rng, channels);
        const float eps = 1e-6f;
        int per = channels / groups;
        var expected = new double[x.Length];
        for (int n = 0; n < batch; n++)
            for (int g = 0; g < groups; g++)
            {
                double sum = 0, sq = 0;
                int count = positions * per;
                for (int p = 0; p < positions; p++)
                    for (int c = g * per; c < (g + 1) * per; c++) sum += x[(n * positions + p) * channels + c];
                double mean = sum / count;
                for (int p = 0; p < positions; p++)
                    for (int c = g * per; c < (g + 1) * per; c++) sq += Math.Pow(x[(n * positions + p) * channels + c] - mean, 2);
                double inv = 1 / Math.Sqrt(sq / count + eps);
                for (int p = 0; p < positions; p++)
                    for (int c = g * per; c < (g + 1) * per; c++)
                    {
                        int i = (n * positions + p) * channels + c;
                        expected[i] = (x[i] - mean) * inv * w[c] + b[c];
                    }
            }
        var y = Tensor.Zeros(DType.F32, new Shape(batch, positions, channels));
        _backend.GroupNorm(KernelReference.F32(x, batch, positions, channels), groups, KernelReference.F32(w, channels), KernelReference.F32(b, channels), eps, y);
        // x − mean loses the digits of |x| ≈ 20 relative to a deviation of ≈ 2: about 20 · 6e-8 / 2 ≈ 6e-7 of the result.
        KernelReference.Close(expected, y.AsSpan<float>(), 5e-6, 5e-6);
    }

    [Fact]
    public void GroupNorm_may_run_in_place()
    {
        var rng = new Random(5);
        var x = KernelReference.Random(rng, 40 * 8, 2f);
        var w = KernelReference.Random(rng, 8);
        var b = KernelReference.Random(rng, 8);
        var separate = Tensor.Zeros(DType.F32, new Shape(1, 40, 8));
        _backend.GroupNorm(KernelReference.F32(x, 1, 40, 8), 4, KernelReference.F32(w, 8), KernelReference.F32(b, 8), 1e-6f, separate);
        var inPlace = KernelReference.F32(x, 1, 40, 8);
        _backend.GroupNorm(inPlace, 4, KernelReference.F32(w, 8), KernelReference.F32(b, 8), 1e-6f, inPlace);
        Assert.Equal(separate.ToFloatArray(), inPlace.ToFloatArray());
    }

    [Theory]
    [InlineData(1, 3, 4, 5, 2, 2)]
    [InlineData(2, 2, 3, 1, 3, 1)]
    public void UpsampleNearest_copies_each_pixel_into_a_block_like_interpolate_nearest(int batch, int height, int width, int channels, int fy, int fx)
    {
        var x = KernelReference.Random(new Random(height), batch * height * width * channels);
        int outH = height * fy, outW = width * fx;
        var expected = new double[batch * outH * outW * channels];
        for (int n = 0; n < batch; n++)
            for (int oy = 0; oy < outH; oy++)
                for (int ox = 0; ox < outW; ox++)
                    for (int c = 0; c < channels; c++)
                    {
                        // torch nearest: src = floor(dst · in / out)
                        int sy = (int)Math.Floor(oy * (double)height / outH), sx = (int)Math.Floor(ox * (double)width / outW);
                        expected[((n * outH + oy) * outW + ox) * channels + c] = x[((n * height + sy) * width + sx) * channels + c];
                    }
        var y = Tensor.Zeros(DType.F32, new Shape(batch, outH, outW, channels));
        _backend.UpsampleNearest(KernelReference.F32(x, batch, height, width, channels), y);
        KernelReference.Close(expected, y.AsSpan<float>(), 0);
    }

    [Theory]
    [InlineData(1, 5, 5, 1, 7, 7)]     // VQ attention: one head over the channels, keys are the queries' pixels
    [InlineData(2, 16, 16, 4, 8, 8)]   // SigLIP: several heads, several images
    [InlineData(1, 3, 11, 2, 4, 6)]    // keys ≠ queries, value width ≠ key width
    public void UnmaskedAttention_lets_every_query_see_every_key_of_its_batch_item(int batch, int queries, int keys, int heads, int headDim, int valueDim)
    {
        var rng = new Random(queries * 17 + keys);
        var q = KernelReference.Random(rng, batch * queries * heads * headDim, 2f);
        var k = KernelReference.Random(rng, batch * keys * heads * headDim, 2f);
        var v = KernelReference.Random(rng, batch * keys * heads * valueDim);
        float scale = 1f / MathF.Sqrt(headDim);
        var expected = new double[batch * queries * heads * valueDim];
        for (int n = 0; n < batch; n++)
            for (int h = 0; h < heads; h++)
                for (int i = 0; i < queries; i++)
                {
                    var s = new double[keys];
                    for (int j = 0; j < keys; j++)
                    {
                        double dot = 0;
                        for (int d = 0; d < headDim; d++)
                            dot += (double)q[((n * queries + i) * heads + h) * headDim + d] * k[((n * keys + j) * heads + h) * headDim + d];
                        s[j] = dot * scale;
                    }
                    double max = s.Max(), total = s.Sum(t => Math.Exp(t - max));
                    for (int d = 0; d < valueDim; d++)
                    {
                        double o = 0;
                        for (int j = 0; j < keys; j++) o += Math.Exp(s[j] - max) / total * v[((n * keys + j) * heads + h) * valueDim + d];
                        expected[((n * queries + i) * heads + h) * valueDim + d] = o;
                    }
                }
        var output = Tensor.Zeros(DType.F32, new Shape(batch, queries, heads, valueDim));
        _backend.UnmaskedAttention(KernelReference.F32(q, batch, queries, heads, headDim), KernelReference.F32(k, batch, keys, heads, headDim),
            KernelReference.F32(v, batch, keys, heads, valueDim), scale, output);
        // Outputs are convex combinations of values in [-1, 1]: an absolute bound fits; F32 scores and exp give ~1e-6.
        KernelReference.Close(expected, output.AsSpan<float>(), 0, 1e-5);
    }
}
