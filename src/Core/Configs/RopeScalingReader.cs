namespace DeepSeek.Sdk.Configs;

/// <summary>Reads rotary settings from either spelling transformers has used: the classic top-level
/// <c>rope_theta</c> plus <c>rope_scaling</c> (null or <c>{"type"|"rope_type": ..., ...}</c>), or the newer
/// <c>rope_parameters</c> block that may also carry <c>rope_theta</c> (transformers 5, modeling_rope_utils).</summary>
internal static class RopeScalingReader
{
    /// <param name="maxPositionEmbeddings">The config's max_position_embeddings: a scaling factor above it would
    /// leave the model less than one position of its original context.</param>
    public static (double Theta, RopeScaling Scaling) Read(ConfigJson json, int maxPositionEmbeddings)
    {
        var parameters = json.Object("rope_parameters");
        var scaling = json.Object("rope_scaling");
        double theta = json.Double("rope_theta", 10000.0);
        RopeScaling result = new();
        if (parameters is { } p)
        {
            if (p.Has("rope_theta"))
            {
                double inner = p.Double("rope_theta", theta);
                if (json.Has("rope_theta") && inner != theta)
                    throw p.Error("rope_theta", $"{inner} contradicts top-level rope_theta {theta}");
                theta = inner;
            }
            result = ReadBlock(p, typeRequired: false, maxPositionEmbeddings);
            if (scaling is { } s && ReadBlock(s, typeRequired: true, maxPositionEmbeddings).Type != result.Type)
                throw s.Error("type", "contradicts rope_parameters.rope_type");
        }
        else if (scaling is { } s)
        {
            result = ReadBlock(s, typeRequired: true, maxPositionEmbeddings);
        }
        // inv_freq = theta^(-2i/d) must fall with i, as RotaryEmbedding requires.
        if (!(theta > 1)) throw json.Error("rope_theta", $"must be greater than 1, got {theta}");
        return (theta, result);
    }

    private static RopeScaling ReadBlock(ConfigJson block, bool typeRequired, int maxPositionEmbeddings)
    {
        string? type = block.String("rope_type");
        string? legacy = block.String("type");
        if (type is not null && legacy is not null && type != legacy)
            throw block.Error("type", $"'{legacy}' contradicts rope_type '{type}'");
        type ??= legacy;
        if (type is null)
        {
            if (typeRequired) throw block.Error("rope_type", "is required (or 'type')");
            type = "default";
        }

        var kind = type switch
        {
            "default" => RopeType.Default,
            "linear" => RopeType.Linear,
            "llama3" => RopeType.Llama3,
            "yarn" => RopeType.Yarn,
            _ => throw block.Error("rope_type", $"'{type}' is not supported; supported: default, linear, llama3, yarn"),
        };
        if (kind == RopeType.Default) return new RopeScaling();

        double factor = block.NullableDouble("factor") ?? throw block.Error("factor", $"is required for rope type {type}");
        // transformers' rope validation (modeling_rope_utils) rejects factors below 1 for these types.
        if (factor < 1) throw block.Error("factor", $"must be >= 1 for rope type {type}, got {factor}");
        if (factor > maxPositionEmbeddings)
            throw block.Error("factor", $"{factor} exceeds max_position_embeddings {maxPositionEmbeddings}, leaving less than one position of original context");
        int? originalMax = block.NullableSize("original_max_position_embeddings", block.Limits.PositionEmbeddings);

        var result = new RopeScaling { Type = kind, Factor = factor, OriginalMaxPositionEmbeddings = originalMax };
        if (kind == RopeType.Llama3)
        {
            if (originalMax is null) throw block.Error("original_max_position_embeddings", "is required for rope type llama3");
            double low = block.Double("low_freq_factor", 1), high = block.Double("high_freq_factor", 4);
            // The smoothing divides by high - low; a difference that rounds to nothing would divide by zero.
            if (low <= 0 || !(high - low > 0))
                throw block.Error("high_freq_factor", $"must exceed low_freq_factor > 0, got low {low}, high {high}");
            result = result with { LowFreqFactor = low, HighFreqFactor = high };
        }
        else if (kind == RopeType.Yarn)
        {
            double fast = block.Double("beta_fast", 32), slow = block.Double("beta_slow", 1);
            // Equal betas are legitimate (Kimi-K2 publishes 1 and 1: linear_ramp_factor's guard widens the ramp); a
            // beta_fast below beta_slow would invert it (transformers only warns).
            if (slow <= 0 || fast < slow)
                throw block.Error("beta_fast", $"must be at least beta_slow > 0, got beta_fast {fast}, beta_slow {slow}");
            result = result with
            {
                BetaFast = fast,
                BetaSlow = slow,
                Mscale = block.Double("mscale", 1),
                MscaleAllDim = block.Double("mscale_all_dim", 0),
                AttentionFactor = block.NullableDouble("attention_factor"),
                Truncate = block.Bool("truncate", true),
            };
            // The attention factor scales every cos/sin entry and the softmax multiplier every score, in float32: a
            // negative, zero or overflowing one (a huge mscale) would silently turn attention into NaN or noise.
            double attention = result.YarnAttentionFactor();
            if (!((float)attention > 0) || !float.IsFinite((float)attention))
                throw result.AttentionFactor is null
                    ? block.Error("mscale", $"{result.Mscale} with mscale_all_dim {result.MscaleAllDim} gives an attention factor of {attention}; it must be positive and finite in float32")
                    : block.Error("attention_factor", $"{attention} must be positive and finite in float32");
            double softmax = result.SoftmaxScaleMultiplier();
            if (!((float)softmax > 0) || !float.IsFinite((float)softmax))
                throw block.Error("mscale_all_dim", $"{result.MscaleAllDim} gives a softmax scale multiplier of {softmax}; it must be positive and finite in float32");
        }
        return result;
    }
}
