namespace DeepSeek.Sdk.Generation;

/// <summary>How the next token is chosen from the logits. Defaults leave the distribution unchanged
/// (temperature 1, no truncation, no penalties); <see cref="Temperature"/> 0 means greedy (argmax).
/// Processing order follows transformers' generate: repetition penalty, frequency/presence penalties,
/// temperature, top-k, top-p, min-p.</summary>
public sealed record SamplingOptions
{
    public static SamplingOptions Greedy { get; } = new() { Temperature = 0 };

    /// <summary>Divides the logits; 0 selects the most likely token.</summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Keep only the K most likely tokens; 0 disables.</summary>
    public int TopK { get; init; }

    /// <summary>Keep the smallest set of most likely tokens whose probability reaches P; 1 disables.</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>Drop tokens whose probability is below MinP × the top token's probability; 0 disables.</summary>
    public float MinP { get; init; }

    /// <summary>CTRL-style penalty on tokens already present (prompt and output): positive logits are
    /// divided by it, negative ones multiplied (Keskar et al. 2019; transformers'
    /// RepetitionPenaltyLogitsProcessor). 1 disables.</summary>
    public float RepetitionPenalty { get; init; } = 1f;

    /// <summary>OpenAI-style: subtract FrequencyPenalty × (times the token was generated).</summary>
    public float FrequencyPenalty { get; init; }

    /// <summary>OpenAI-style: subtract PresencePenalty once from every token generated so far.</summary>
    public float PresencePenalty { get; init; }

    /// <summary>Seed of the random stream; the same seed, prompt and options give the same tokens.
    /// Null draws a random seed.</summary>
    public int? Seed { get; init; }

    public bool IsGreedy => Temperature <= 0f;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the field that is out of range (its
    /// <see cref="ArgumentException.ParamName"/> is the property's name) and the value it had. Every number must be
    /// finite: an infinite temperature or penalty turns the logits into NaN, and sampling from NaN picks garbage.</summary>
    public void Validate()
    {
        if (!(float.IsFinite(Temperature) && Temperature >= 0))
            throw OutOfRange(nameof(Temperature), Temperature, "a finite number ≥ 0 (0 is greedy)");
        if (TopK < 0) throw OutOfRange(nameof(TopK), TopK, "≥ 0 (0 disables it)");
        if (!(TopP > 0 && TopP <= 1)) throw OutOfRange(nameof(TopP), TopP, "in (0, 1] (1 disables it)");
        if (!(MinP >= 0 && MinP <= 1)) throw OutOfRange(nameof(MinP), MinP, "in [0, 1] (0 disables it)");
        if (!(float.IsFinite(RepetitionPenalty) && RepetitionPenalty > 0))
            throw OutOfRange(nameof(RepetitionPenalty), RepetitionPenalty, "a finite number > 0 (1 disables it)");
        if (!float.IsFinite(FrequencyPenalty)) throw OutOfRange(nameof(FrequencyPenalty), FrequencyPenalty, "a finite number (0 disables it)");
        if (!float.IsFinite(PresencePenalty)) throw OutOfRange(nameof(PresencePenalty), PresencePenalty, "a finite number (0 disables it)");
    }

    private static ArgumentOutOfRangeException OutOfRange(string field, object value, string expected) =>
        new(field, value, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"SamplingOptions.{field} must be {expected}; got {value}."));
}
