using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Core.Tests.Backends;

public sealed class RotaryKernelsTests : IDisposable
{
    private readonly CpuBackend _backend = new(threadCount: 1);

    public void Dispose() => _backend.Dispose();

    [Theory]
    [InlineData(RotaryLayout.HalfSplit, 8, 0, 8)]
    [InlineData(RotaryLayout.Interleaved, 8, 0, 8)]
    [InlineData(RotaryLayout.Interleaved, 64, 128, 192)] // DeepSeek-V3 MLA: rope part after the 128 nope features
    [InlineData(RotaryLayout.HalfSplit, 6, 2, 10)]
    public void Rotation_matches_a_naive_complex_multiply_and_leaves_other_features(RotaryLayout layout, int rotDim, int offset, int headDim)
    {
        var rope = new RotaryEmbedding(rotDim, 10000, null, 64);
        var rng = new Random(rotDim + offset);
        int tokens = 3, heads = 2;
        var x = KernelReference.Random(rng, tokens * heads * headDim);
        int[] positions = [0, 5, 63];
        var t = Tensor.FromSpan<float>(x, new Shape(tokens, heads, headDim), DType.F32);
        _backend.ApplyRotary(t, Tensor.FromArray(positions, tokens), rope.Cos, rope.Sin, layout, offset);

        var expected = new double[x.Length];
        for (int i = 0; i < x.Length; i++) expected[i] = x[i];
        int half = rotDim / 2;
        for (int tok = 0; tok < tokens; tok++)
            for (int h = 0; h < heads; h++)
                for (int i = 0; i < half; i++)
                {
                    int b = (tok * heads + h) * headDim + offset;
                    // Pair (re, im) per layout, rotated by e^{iθ}: θ = pos · theta^(-2i/d).
                    int re = layout == RotaryLayout.HalfSplit ? b + i : b + 2 * i;
                    int im = layout == RotaryLayout.HalfSplit ? b + i + half : b + 2 * i + 1;
                    double angle = positions[tok] * Math.Pow(10000, -2.0 * i / rotDim);
                    expected[re] = x[re] * Math.Cos(angle) - x[im] * Math.Sin(angle);
                    expected[im] = x[im] * Math.Cos(angle) + x[re] * Math.Sin(angle);
                }
        // F32 angles at position 63 are off by up to 63·6e-8 rad, plus F32 products: 1e-5 absolute on values ~1.
        KernelReference.Close(expected, t.AsSpan<float>(), 0, 1e-5);
    }

    [Fact]
    public void Interleaved_rotation_is_transformers_permuted_rotate_half_in_pair_order()
    {
        // transformers' apply_rotary_pos_emb_interleave: permute [x0,x1,x2,x3,...] to [x0,x2,...,x1,x3,...],
        // then rotate_half. Un-permuting its output must give our in-place interleaved result.
        int d = 8;
        var rope = new RotaryEmbedding(d, 10000, null, 16);
        var x = new float[d];
        for (int i = 0; i < d; i++) x[i] = i + 1;
        var permuted = new float[d];
        for (int i = 0; i < d / 2; i++)
        {
            permuted[i] = x[2 * i];
            permuted[i + d / 2] = x[2 * i + 1];
        }
        var interleaved = Tensor.FromSpan<float>(x, new Shape(1, 1, d), DType.F32);
        var halfSplit = Tensor.FromSpan<float>(permuted, new Shape(1, 1, d), DType.F32);
        var pos = Tensor.FromArray([7], 1);
        _backend.ApplyRotary(interleaved, pos, rope.Cos, rope.Sin, RotaryLayout.Interleaved);
        _backend.ApplyRotary(halfSplit, pos, rope.Cos, rope.Sin, RotaryLayout.HalfSplit);
        for (int i = 0; i < d / 2; i++)
        {
            Assert.Equal(halfSplit.AsSpan<float>()[i], interleaved.AsSpan<float>()[2 * i]);
            Assert.Equal(halfSplit.AsSpan<float>()[i + d / 2], interleaved.AsSpan<float>()[2 * i + 1]);
        }
    }

    [Fact]
    public void A_position_outside_the_table_is_refused()
    {
        var rope = new RotaryEmbedding(4, 10000, null, 8);
        var x = Tensor.Zeros(DType.F32, new Shape(1, 1, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => _backend.ApplyRotary(x, Tensor.FromArray([8], 1), rope.Cos, rope.Sin, RotaryLayout.HalfSplit));
    }
}
