namespace DeepSeek.Sdk.Tokenization;

/// <summary>
/// Bounds on what a tokenizer.json, tokenizer_config.json or chat_template.jinja may ask of the process, so that a
/// model folder from a stranger is answered with a <see cref="TokenizerFormatException"/> naming the file, the field
/// and the option, in bounded time and memory, instead of a hang or an out-of-memory crash. The defaults admit every
/// published tokenizer we load (DeepSeek-V3/R1 128k, Qwen 152k and Llama 3 128k vocabularies, files of 7-11 MB) with
/// wide margins; raise one only for files you trust.
/// </summary>
public sealed record TokenizerLimits
{
    /// <summary>64 MiB: six times the largest published tokenizer.json we load (Qwen's, 11 MB).</summary>
    public const long DefaultMaxFileBytes = 64L * 1024 * 1024;

    /// <summary>2^20 ids: nearly seven times Qwen's 151,669, four times the largest vocabularies published (256k).</summary>
    public const int DefaultMaxVocabularySize = 1 << 20;

    /// <summary>256 characters; published added tokens are at most 30 ("&lt;|reserved_special_token_250|&gt;").</summary>
    public const int DefaultMaxAddedTokenLength = 256;

    /// <summary>2^20 characters over all added tokens; DeepSeek-V3's 818 added tokens hold 18,571.</summary>
    public const int DefaultMaxAddedTokenCharacters = 1 << 20;

    /// <summary>4096 characters; published split patterns are under 250.</summary>
    public const int DefaultMaxPatternLength = 4096;

    /// <summary>64 steps; published tokenizers chain at most four.</summary>
    public const int DefaultMaxPipelineSteps = 64;

    public static TokenizerLimits Default { get; } = new();

    /// <summary>The largest file read: tokenizer.json (after gzip inflation when it is tokenizer.json.gz),
    /// tokenizer_config.json and chat_template.jinja each. Checked against the file's length before reading, and
    /// counted while reading streams and inflating, so a compression bomb stops at this size.</summary>
    public long MaxFileBytes { get; init; } = DefaultMaxFileBytes;

    /// <summary>Every vocabulary and added-token id must be below this. The id tables are sized by the highest id, so
    /// this bounds their memory (about 17 bytes an id) before anything is allocated.</summary>
    public int MaxVocabularySize { get; init; } = DefaultMaxVocabularySize;

    /// <summary>The longest added token, in UTF-16 characters (normalized or not); also the longest content a
    /// Replace or Prepend normalizer inserts. Finding added tokens costs up to this many steps per text position.</summary>
    public int MaxAddedTokenLength { get; init; } = DefaultMaxAddedTokenLength;

    /// <summary>The added tokens' contents together, in UTF-16 characters; the matcher's automaton takes about 100
    /// bytes a character.</summary>
    public int MaxAddedTokenCharacters { get; init; } = DefaultMaxAddedTokenCharacters;

    /// <summary>The longest Split or Replace pattern, in characters; compiling costs time and memory in its length.</summary>
    public int MaxPatternLength { get; init; } = DefaultMaxPatternLength;

    /// <summary>Normalizers, pre-tokenizers and post-processors in one tokenizer.json, Sequences flattened; each
    /// pattern among them is compiled at load.</summary>
    public int MaxPipelineSteps { get; init; } = DefaultMaxPipelineSteps;

    /// <summary>
    /// How long one regex match of a Split or Replace pattern may take (the search for one match, failed start
    /// positions included). Patterns the non-backtracking engine accepts run in linear time and never reach it; the
    /// others (lookarounds, backreferences, atomic groups, as in the published <c>\s+(?!\S)</c>) run on the
    /// backtracking engine, where a pattern such as <c>(a+)+$</c> would otherwise take exponential time. A published
    /// pattern takes microseconds per match. <see cref="System.Text.RegularExpressions.Regex.InfiniteMatchTimeout"/>
    /// turns the bound off.
    /// </summary>
    public TimeSpan RegexMatchTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the option that is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxFileBytes, "TokenizerLimits.MaxFileBytes");
        // A file is read into one array, one byte past the limit to tell a file of exactly the limit from a larger one.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxFileBytes, Array.MaxLength - 1, "TokenizerLimits.MaxFileBytes");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxVocabularySize, "TokenizerLimits.MaxVocabularySize");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxVocabularySize, Array.MaxLength, "TokenizerLimits.MaxVocabularySize");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxAddedTokenLength, "TokenizerLimits.MaxAddedTokenLength");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxAddedTokenCharacters, "TokenizerLimits.MaxAddedTokenCharacters");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxPatternLength, "TokenizerLimits.MaxPatternLength");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxPipelineSteps, "TokenizerLimits.MaxPipelineSteps");
        // Regex accepts up to int.MaxValue - 1 milliseconds, or InfiniteMatchTimeout.
        if (RegexMatchTimeout != System.Text.RegularExpressions.Regex.InfiniteMatchTimeout
            && (RegexMatchTimeout <= TimeSpan.Zero || RegexMatchTimeout.TotalMilliseconds >= int.MaxValue))
            throw new ArgumentOutOfRangeException("TokenizerLimits.RegexMatchTimeout", RegexMatchTimeout,
                "TokenizerLimits.RegexMatchTimeout must be positive and under 24 days, or Regex.InfiniteMatchTimeout.");
    }
}
