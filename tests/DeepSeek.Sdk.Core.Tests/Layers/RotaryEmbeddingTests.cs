using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Layers;

namespace DeepSeek.Sdk.Core.Tests.Layers;

public sealed class RotaryEmbeddingTests
{
    // inv_freq is float32 in transformers and here; the closed forms below are double, so agreement is to
    // F32 rounding of a few operations: 1e-6 relative.
    private const double Tolerance = 1e-6;

    private static void Close(double expected, float actual, double relative = Tolerance) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");

    [Fact]
    public void Default_inverse_frequencies_are_theta_to_the_minus_2i_over_d()
    {
        var rope = new RotaryEmbedding(128, 500000, null, 1024, tableLength: 4);
        Assert.Equal(64, rope.InverseFrequencies.Length);
        for (int i = 0; i < 64; i++) Close(Math.Pow(500000, -2.0 * i / 128), rope.InverseFrequencies[i]);
        Assert.Equal(1.0, rope.AttentionFactor);
        // cos/sin rows: position 0 is the identity rotation.
        Assert.All(rope.Cos.AsSpan<float>()[..64].ToArray(), c => Assert.Equal(1f, c));
        Assert.All(rope.Sin.AsSpan<float>()[..64].ToArray(), s => Assert.Equal(0f, s));
        Close(Math.Cos(3.0), rope.Cos.AsSpan<float>()[3 * 64]);
    }

    [Fact]
    public void Linear_scaling_divides_every_frequency_by_the_factor()
    {
        var rope = new RotaryEmbedding(64, 10000, new RopeScaling { Type = RopeType.Linear, Factor = 4 }, 64);
        for (int i = 0; i < 32; i++) Close(Math.Pow(10000, -2.0 * i / 64) / 4, rope.InverseFrequencies[i]);
    }

    [Fact]
    public void Llama3_keeps_short_wavelengths_scales_long_ones_and_blends_between()
    {
        // Llama-3.1-8B: theta 500000, factor 8, low 1, high 4, original 8192 (config.json rope_scaling).
        var s = new RopeScaling { Type = RopeType.Llama3, Factor = 8, LowFreqFactor = 1, HighFreqFactor = 4, OriginalMaxPositionEmbeddings = 8192 };
        var rope = new RotaryEmbedding(128, 500000, s, 131072, tableLength: 2);
        int high = 0, low = 0, medium = 0;
        for (int i = 0; i < 64; i++)
        {
            double f = Math.Pow(500000, -2.0 * i / 128), wavelength = 2 * Math.PI / f;
            double expected;
            if (wavelength < 8192 / 4.0) { expected = f; high++; }
            else if (wavelength > 8192 / 1.0) { expected = f / 8; low++; }
            else
            {
                // Smooth interpolation between f/8 (at wavelength 8192) and f (at 2048), linear in 1/wavelength.
                double smooth = (8192 / wavelength - 1) / (4 - 1);
                expected = (1 - smooth) * f / 8 + smooth * f;
                medium++;
            }
            Close(expected, rope.InverseFrequencies[i], 1e-5);
        }
        Assert.True(high > 0 && low > 0 && medium > 0, $"all three regimes are exercised ({high}/{medium}/{low})");
    }

    [Fact]
    public void Yarn_extrapolates_fast_dimensions_interpolates_slow_ones_and_ramps_between()
    {
        // DeepSeek-V3: qk_rope_head_dim 64, theta 10000, factor 40, original 4096, beta 32/1, mscale 1/1.
        var s = new RopeScaling { Type = RopeType.Yarn, Factor = 40, OriginalMaxPositionEmbeddings = 4096, BetaFast = 32, BetaSlow = 1, Mscale = 1, MscaleAllDim = 1 };
        var rope = new RotaryEmbedding(64, 10000, s, 163840, tableLength: 2);
        // Dimension pair i completes pos·θ_i/(2π) turns over 4096 positions; it is extrapolated (kept) while
        // that count is at least beta_fast = 32, interpolated (÷40) once it is at most beta_slow = 1. Solving
        // 4096·10000^(-2i/64) / (2π) = r for i gives the correction dims, floored/ceiled as transformers does.
        double Dim(double r) => 64 * Math.Log(4096 / (r * 2 * Math.PI)) / (2 * Math.Log(10000));
        double lo = Math.Floor(Dim(32)), hi = Math.Ceiling(Dim(1));
        Assert.Equal((10.0, 23.0), (lo, hi));
        for (int i = 0; i < 32; i++)
        {
            double f = Math.Pow(10000, -2.0 * i / 64);
            double ramp = Math.Clamp((i - lo) / (hi - lo), 0, 1); // 0 → extrapolate, 1 → interpolate
            Close(f * (1 - ramp) + f / 40 * ramp, rope.InverseFrequencies[i], 2e-6);
        }
        // mscale == mscale_all_dim: get_mscale ratios cancel, so cos/sin are unscaled ...
        Assert.Equal(1.0, rope.AttentionFactor, 12);
        // ... and the softmax scale carries (0.1·ln 40 + 1)² instead (DeepseekV3Attention).
        Assert.Equal(Math.Pow(0.1 * Math.Log(40) + 1, 2), RotaryEmbedding.SoftmaxScaleMultiplier(s), 12);
    }

    [Fact]
    public void Yarn_without_mscale_all_dim_scales_cos_and_sin_by_the_default_mscale()
    {
        var s = new RopeScaling { Type = RopeType.Yarn, Factor = 4, OriginalMaxPositionEmbeddings = 32768 };
        var rope = new RotaryEmbedding(128, 1000000, s, 131072, tableLength: 3);
        double m = 0.1 * Math.Log(4) + 1;
        Assert.Equal(m, rope.AttentionFactor, 12);
        Assert.Equal(1.0, RotaryEmbedding.SoftmaxScaleMultiplier(s));
        Close(m, rope.Cos.AsSpan<float>()[0]);
        float angle = 2f * rope.InverseFrequencies[5];
        Close(Math.Sin(angle) * m, rope.Sin.AsSpan<float>()[2 * 64 + 5]);
    }

    [Fact]
    public void Invalid_dimensions_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RotaryEmbedding(7, 10000, null, 16));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RotaryEmbedding(8, 1, null, 16));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RotaryEmbedding(8, 10000, new RopeScaling { Type = RopeType.Linear, Factor = 0 }, 16));
    }
}
