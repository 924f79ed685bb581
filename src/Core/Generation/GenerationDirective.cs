namespace DeepSeek.Sdk.Generation;

/// <summary>An <see cref="IGenerationController"/>'s answer: sample, force these tokens, or stop.</summary>
public readonly struct GenerationDirective
{
    private GenerationDirective(GenerationDirectiveKind kind, ReadOnlyMemory<int> tokens)
    {
        Kind = kind;
        Tokens = tokens;
    }

    public static GenerationDirective Sample => default;

    public static GenerationDirective Stop => new(GenerationDirectiveKind.Stop, default);

    public GenerationDirectiveKind Kind { get; }

    /// <summary>The tokens to append, in order, for <see cref="GenerationDirectiveKind.Force"/>; empty otherwise.</summary>
    public ReadOnlyMemory<int> Tokens { get; }

    /// <summary>Appends <paramref name="tokens"/> to the sequence as if the model had produced them: each is
    /// streamed as an update (with <see cref="GenerationUpdate.IsForced"/> set), counts towards
    /// <see cref="GenerationOptions.MaxNewTokens"/>, and is subject to the stop tokens and stop strings; all of
    /// them go through the model in one step before the next token is sampled.</summary>
    public static GenerationDirective Force(ReadOnlyMemory<int> tokens)
    {
        if (tokens.IsEmpty) throw new ArgumentException("A forced step needs at least one token.", nameof(tokens));
        return new GenerationDirective(GenerationDirectiveKind.Force, tokens);
    }
}
