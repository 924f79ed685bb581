using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Layers;

/// <summary>Rotary position frequencies and their cos/sin tables, computed as transformers'
/// modeling_rope_utils.py does for rope types default, linear, llama3 and yarn. Arithmetic mirrors torch's
/// float32 (inv_freq is a float32 tensor there, and angles are float32 products pos · inv_freq), so the tables
/// match the reference to float rounding.</summary>
public sealed class RotaryEmbedding
{
    private readonly float[] _inverseFrequencies;
    private readonly Lazy<(Tensor Cos, Tensor Sin)> _tables;

    /// <param name="rotaryDim">Rotated features per head (head_dim · partial_rotary_factor; qk_rope_head_dim in MLA).</param>
    /// <param name="theta">rope_theta.</param>
    /// <param name="maxPositionEmbeddings">config.max_position_embeddings (YaRN's fallback for the original length).</param>
    /// <param name="tableLength">Positions <see cref="Cos"/> and <see cref="Sin"/> tabulate, on first use; defaults to
    /// <paramref name="maxPositionEmbeddings"/>. Models tabulate only what their caches use instead
    /// (<see cref="RotaryPositionTables"/>, through <see cref="BuildTables"/>).</param>
    public RotaryEmbedding(int rotaryDim, double theta, RopeScaling? scaling, int maxPositionEmbeddings, int? tableLength = null)
    {
        if (rotaryDim <= 0 || rotaryDim % 2 != 0) throw new ArgumentOutOfRangeException(nameof(rotaryDim), $"Rotary dimension must be positive and even, got {rotaryDim}.");
        if (!(theta > 1)) throw new ArgumentOutOfRangeException(nameof(theta), $"rope_theta must be greater than 1, got {theta}.");
        if (maxPositionEmbeddings <= 0) throw new ArgumentOutOfRangeException(nameof(maxPositionEmbeddings), $"max_position_embeddings must be positive, got {maxPositionEmbeddings}.");
        RotaryDim = rotaryDim;
        Scaling = scaling ?? new RopeScaling();
        if (Scaling.Type != RopeType.Default && !(Scaling.Factor > 0))
            throw new ArgumentOutOfRangeException(nameof(scaling), $"rope_scaling factor must be positive, got {Scaling.Factor}.");
        (_inverseFrequencies, AttentionFactor) = Scaling.Type switch
        {
            RopeType.Default => (DefaultInverseFrequencies(rotaryDim, theta), 1.0),
            RopeType.Linear => (Linear(rotaryDim, theta, Scaling), 1.0),
            RopeType.Llama3 => (Llama3(rotaryDim, theta, Scaling, maxPositionEmbeddings), 1.0),
            RopeType.Yarn => Yarn(rotaryDim, theta, Scaling, maxPositionEmbeddings),
            _ => throw new NotSupportedException($"Rope type {Scaling.Type} is not supported."),
        };
        int length = tableLength ?? maxPositionEmbeddings;
        if (length <= 0) throw new ArgumentOutOfRangeException(nameof(tableLength), $"Table length must be positive, got {length}.");
        _tables = new(() => BuildTables(length));
    }

    public int RotaryDim { get; }

    public RopeScaling Scaling { get; }

    /// <summary>inv_freq[i] for i in 0..RotaryDim/2, as float32.</summary>
    public ReadOnlySpan<float> InverseFrequencies => _inverseFrequencies;

    /// <summary>transformers' attention_scaling: multiplies cos and sin (YaRN's mscale), 1 for the other types.</summary>
    public double AttentionFactor { get; }

    /// <summary>F32 [tableLength, RotaryDim / 2]: cos(pos · inv_freq[i]) · AttentionFactor. The second half of
    /// transformers' cat(freqs, freqs) repeats the first, so only one half is stored.</summary>
    public Tensor Cos => _tables.Value.Cos;

    public Tensor Sin => _tables.Value.Sin;

    /// <summary>Host F32 cos and sin tables [<paramref name="positions"/>, RotaryDim / 2] for positions 0.. (see
    /// <see cref="Cos"/>). Each row depends on its position alone, so a longer table extends a shorter one.</summary>
    public (Tensor Cos, Tensor Sin) BuildTables(int positions)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(positions);
        return BuildTables(_inverseFrequencies, (float)AttentionFactor, positions);
    }

    /// <summary>DeepSeek's extra softmax-scale multiplier: with YaRN and a non-zero mscale_all_dim,
    /// DeepseekV3Attention (and V2) multiply the attention scale by yarn_get_mscale(factor, mscale_all_dim)².</summary>
    public static double SoftmaxScaleMultiplier(RopeScaling? scaling) => scaling?.SoftmaxScaleMultiplier() ?? 1.0;

    /// <summary>YaRN's yarn_get_mscale / get_mscale: 0.1 · mscale · ln(scale) + 1 for scale above 1.</summary>
    public static double GetMscale(double scale, double mscale = 1) => RopeScaling.GetMscale(scale, mscale);

    // base ** (arange(0, dim, 2).float() / dim) in float32, then its reciprocal.
    private static float[] PositionFrequencies(int dim, double theta)
    {
        var pos = new float[dim / 2];
        for (int i = 0; i < pos.Length; i++) pos[i] = (float)Math.Pow(theta, (float)(2 * i) / dim);
        return pos;
    }

    private static float[] DefaultInverseFrequencies(int dim, double theta)
    {
        var inv = PositionFrequencies(dim, theta);
        for (int i = 0; i < inv.Length; i++) inv[i] = 1f / inv[i];
        return inv;
    }

    private static float[] Linear(int dim, double theta, RopeScaling s)
    {
        var inv = DefaultInverseFrequencies(dim, theta);
        for (int i = 0; i < inv.Length; i++) inv[i] /= (float)s.Factor;
        return inv;
    }

    // _compute_llama3_parameters: keep short wavelengths, divide long ones by factor, blend in between.
    private static float[] Llama3(int dim, double theta, RopeScaling s, int maxPositions)
    {
        var inv = DefaultInverseFrequencies(dim, theta);
        double oldContext = s.OriginalMaxPositionEmbeddings ?? maxPositions;
        double lowWavelength = oldContext / s.LowFreqFactor, highWavelength = oldContext / s.HighFreqFactor;
        float factor = (float)s.Factor;
        for (int i = 0; i < inv.Length; i++)
        {
            float wavelength = 2 * MathF.PI / inv[i];
            float scaled = wavelength > lowWavelength ? inv[i] / factor : inv[i];
            bool medium = !(wavelength < highWavelength) && !(wavelength > lowWavelength);
            if (medium)
            {
                float smooth = (float)((oldContext / wavelength - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor));
                scaled = (1 - smooth) * scaled / factor + smooth * scaled;
            }
            inv[i] = scaled;
        }
        return inv;
    }

    // _compute_yarn_parameters (Peng et al. 2023, "YaRN", §3.2 NTK-by-parts and §3.4 attention scaling).
    private static (float[], double) Yarn(int dim, double theta, RopeScaling s, int maxPositions)
    {
        double factor = s.Factor;
        double attention = s.YarnAttentionFactor();
        double original = s.OriginalMaxPositionEmbeddings ?? maxPositions;
        double low = CorrectionDim(s.BetaFast, dim, theta, original);
        double high = CorrectionDim(s.BetaSlow, dim, theta, original);
        if (s.Truncate)
        {
            low = Math.Floor(low);
            high = Math.Ceiling(high);
        }
        low = Math.Max(low, 0);
        high = Math.Min(high, dim - 1);
        if (low == high) high += 0.001; // linear_ramp_factor's guard against a zero-width ramp
        var pos = PositionFrequencies(dim, theta);
        var inv = new float[pos.Length];
        for (int i = 0; i < inv.Length; i++)
        {
            float extrapolation = 1f / pos[i];
            float interpolation = 1f / ((float)factor * pos[i]);
            float ramp = Math.Clamp((float)((i - low) / (high - low)), 0f, 1f);
            float extrapolationWeight = 1f - ramp;
            inv[i] = interpolation * (1f - extrapolationWeight) + extrapolation * extrapolationWeight;
        }
        return (inv, attention);
    }

    // find_correction_dim: the dimension whose wavelength completes numRotations over the original context.
    private static double CorrectionDim(double numRotations, int dim, double theta, double maxPositions) =>
        dim * Math.Log(maxPositions / (numRotations * 2 * Math.PI)) / (2 * Math.Log(theta));

    private static (Tensor, Tensor) BuildTables(float[] inv, float attention, int length)
    {
        int half = inv.Length;
        var cos = Tensor.Zeros(DType.F32, new Shape(length, half));
        var sin = Tensor.Zeros(DType.F32, new Shape(length, half));
        var c = cos.AsSpan<float>();
        var s = sin.AsSpan<float>();
        for (int p = 0; p < length; p++)
            for (int i = 0; i < half; i++)
            {
                double angle = (float)p * inv[i];
                float angleF = (float)angle;
                c[p * half + i] = (float)Math.Cos(angleF) * attention;
                s[p * half + i] = (float)Math.Sin(angleF) * attention;
            }
        return (cos, sin);
    }
}
