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

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the field that is out of range.</summary>
    public void Validate()
    {
        if (float.IsNaN(Temperature) || Temperature < 0) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "Temperature must be ≥ 0.");
        if (TopK < 0) throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "TopK must be ≥ 0 (0 disables it).");
        if (!(TopP > 0 && TopP <= 1)) throw new ArgumentOutOfRangeException(nameof(TopP), TopP, "TopP must be in (0, 1].");
        if (!(MinP >= 0 && MinP <= 1)) throw new ArgumentOutOfRangeException(nameof(MinP), MinP, "MinP must be in [0, 1].");
        if (!(RepetitionPenalty > 0)) throw new ArgumentOutOfRangeException(nameof(RepetitionPenalty), RepetitionPenalty, "RepetitionPenalty must be > 0.");
        if (float.IsNaN(FrequencyPenalty)) throw new ArgumentOutOfRangeException(nameof(FrequencyPenalty));
        if (float.IsNaN(PresencePenalty)) throw new ArgumentOutOfRangeException(nameof(PresencePenalty));
    }
}
