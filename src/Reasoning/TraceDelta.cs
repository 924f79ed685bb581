namespace DeepSeek.Sdk.Reasoning;

/// <summary>What one piece of streamed text added to the reasoning and to the answer. A piece can add to
/// both (the one that holds <c>&lt;/think&gt;</c>); reasoning always precedes answer.</summary>
public readonly record struct TraceDelta(string Reasoning, string Answer)
{
    public static TraceDelta Empty { get; } = new(string.Empty, string.Empty);

    public bool IsEmpty => Reasoning.Length == 0 && Answer.Length == 0;

    /// <summary>This delta followed by <paramref name="next"/>.</summary>
    public TraceDelta Then(TraceDelta next) => new(Reasoning + next.Reasoning, Answer + next.Answer);
}
