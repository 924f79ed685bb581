namespace DeepSeek.Cli.Commands;

/// <summary>Checks of command-line values that end in a <see cref="UsageException"/> naming the option, before any
/// model is loaded. Ranges of SDK settings stay the SDK's (its <c>Validate</c> methods): the CLI only says which of
/// its options set the field that was refused.</summary>
internal static class CliValidation
{
    /// <summary>Runs an SDK validation; an <see cref="ArgumentException"/> it throws becomes a
    /// <see cref="UsageException"/> led by the option that sets the field named in <see cref="ArgumentException.ParamName"/>.</summary>
    /// <param name="options">Field name (as the SDK names it) → command-line option.</param>
    public static void Check(Action validate, IReadOnlyDictionary<string, string> options)
    {
        try
        {
            validate();
        }
        catch (ArgumentException e)
        {
            string reason = Reason(e);
            throw new UsageException(e.ParamName is { } field && options.TryGetValue(field, out var option) ? $"{option}: {reason}" : reason);
        }
    }

    /// <summary>The options of <c>generate</c>, <c>chat</c>, <c>reason</c> and <c>describe</c> that set
    /// <see cref="DeepSeek.Sdk.Generation.SamplingOptions"/> and the token limits.</summary>
    public static IReadOnlyDictionary<string, string> SamplingFields { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Temperature"] = "--temperature",
        ["TopP"] = "--top-p",
        ["TopK"] = "--top-k",
        ["RepetitionPenalty"] = "--repetition-penalty",
        ["MaxNewTokens"] = "--max-tokens",
        ["MaxThinkingTokens"] = "--max-thinking-tokens",
    };

    /// <summary>Refuses an empty or white-space <paramref name="text"/>: <paramref name="what"/> names it ("the question").</summary>
    public static void NotBlank(string? text, string what, string? hint = null)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new UsageException($"{what} is empty{(string.IsNullOrEmpty(text) ? "" : " (only white space)")}.", hint);
    }

    /// <summary>An <see cref="ArgumentException"/>'s own text, without the " (Parameter 'x')" and "Actual value was"
    /// parts .NET appends.</summary>
    private static string Reason(ArgumentException e)
    {
        string message = e.Message;
        int lineBreak = message.IndexOfAny(['\r', '\n']);
        if (lineBreak >= 0) message = message[..lineBreak];
        if (e.ParamName is { } name && message.EndsWith($" (Parameter '{name}')", StringComparison.Ordinal))
            message = message[..^$" (Parameter '{name}')".Length];
        return message;
    }
}
