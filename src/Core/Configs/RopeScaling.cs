namespace DeepSeek.Sdk.Configs;

/// <summary>How rotary position frequencies are rescaled for long context. Mirrors the
/// <c>rope_type</c> values of transformers' modeling_rope_utils.</summary>
public enum RopeType
{
    /// <summary>Plain RoPE: inv_freq[i] = theta^(-2i/d).</summary>
    Default,
    /// <summary>Positions divided by <see cref="RopeScaling.Factor"/>.</summary>
    Linear,
    /// <summary>Llama-3.1's wavelength-dependent interpolation (low/high frequency factors).</summary>
    Llama3,
    /// <summary>YaRN (Peng et al. 2023): NTK-by-parts interpolation plus an attention-scale correction.</summary>
    Yarn,
}

/// <summary>The <c>rope_scaling</c> (or newer <c>rope_parameters</c>) block of a config.json.
/// Fields that a rope type does not use keep their transformers defaults.</summary>
public sealed record RopeScaling
{
    public RopeType Type { get; init; } = RopeType.Default;

    public double Factor { get; init; } = 1.0;

    /// <summary>The context length the model was pre-trained with (YaRN, Llama-3).</summary>
    public int? OriginalMaxPositionEmbeddings { get; init; }

    /// <summary>YaRN: rotations above which dimensions are extrapolated (not interpolated).</summary>
    public double BetaFast { get; init; } = 32;

    /// <summary>YaRN: rotations below which dimensions are fully interpolated.</summary>
    public double BetaSlow { get; init; } = 1;

    /// <summary>YaRN: DeepSeek's <c>mscale</c>.</summary>
    public double Mscale { get; init; } = 1;

    /// <summary>YaRN: DeepSeek's <c>mscale_all_dim</c>; when non-zero the softmax scale is multiplied by
    /// yarn_get_mscale(factor, mscale_all_dim)^2 (DeepSeek-V3 modeling, DeepseekV3Attention).</summary>
    public double MscaleAllDim { get; init; }

    /// <summary>YaRN: explicit attention factor; null means derived from factor/mscale/mscale_all_dim.</summary>
    public double? AttentionFactor { get; init; }

    /// <summary>Llama-3: wavelengths longer than original_max / low_freq_factor are fully scaled.</summary>
    public double LowFreqFactor { get; init; } = 1;

    /// <summary>Llama-3: wavelengths shorter than original_max / high_freq_factor are left alone.</summary>
    public double HighFreqFactor { get; init; } = 4;

    /// <summary>YaRN: whether the correction range is truncated to integers (transformers' default true).</summary>
    public bool Truncate { get; init; } = true;

    /// <summary>YaRN's attention factor (transformers' attention_scaling, which multiplies cos and sin): the explicit
    /// attention_factor, else get_mscale(factor, mscale) / get_mscale(factor, mscale_all_dim) where both are set
    /// (DeepSeek), else get_mscale(factor). 1 for the other rope types.</summary>
    public double YarnAttentionFactor()
    {
        if (Type != RopeType.Yarn) return 1.0;
        return AttentionFactor
            ?? (Mscale != 0 && MscaleAllDim != 0 ? GetMscale(Factor, Mscale) / GetMscale(Factor, MscaleAllDim) : GetMscale(Factor));
    }

    /// <summary>DeepSeek's extra softmax-scale multiplier: with YaRN and a non-zero mscale_all_dim,
    /// DeepseekV3Attention (and V2) multiply the attention scale by yarn_get_mscale(factor, mscale_all_dim)².</summary>
    public double SoftmaxScaleMultiplier()
    {
        if (Type != RopeType.Yarn || MscaleAllDim == 0) return 1.0;
        double m = GetMscale(Factor, MscaleAllDim);
        return m * m;
    }

    /// <summary>YaRN's yarn_get_mscale / get_mscale: 0.1 · mscale · ln(scale) + 1 for scale above 1.</summary>
    public static double GetMscale(double scale, double mscale = 1) => scale <= 1 ? 1.0 : 0.1 * mscale * Math.Log(scale) + 1.0;
}
