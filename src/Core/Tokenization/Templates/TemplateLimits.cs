using System.Globalization;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// Bounds on what a chat template may do. A template is a program that arrives with a model folder
/// (tokenizer_config.json's <c>chat_template</c>), so parsing and rendering it must end, within bounded
/// stack, memory and time, whatever it holds; a template that reaches a bound fails with a
/// <see cref="TemplateLimitExceededException"/> naming the option. The defaults let every published
/// template (DeepSeek-V3/R1, Qwen2.5/Qwen3, Llama 3.x) render conversations that fill the models' context
/// windows many times over; raise them for templates you trust.
/// </summary>
public sealed record TemplateLimits
{
    /// <summary>The limits <see cref="ChatTemplate"/> and <see cref="ChatFormatter"/> use when given none.</summary>
    public static TemplateLimits Default { get; } = new();

    /// <summary>Characters of template source. Published templates are under 20 K characters.</summary>
    public int MaxSourceLength { get; init; } = 1 << 20;

    /// <summary>
    /// How deeply the template may nest: block tags inside block tags, brackets, calls and chained
    /// operators and filters (<c>a + b + c</c> nests like <c>(a + b) + c</c>) all count one level each;
    /// values (lists in lists, dicts in dicts) may not nest deeper either. The parser and the renderer
    /// recurse once per level, so this bounds their stack. The published templates nest at most 16
    /// levels. A level takes at most about 3 KB of stack (nested parentheses, before the JIT optimizes the
    /// parser; under 1 KB after), so 100 levels stay within a third of a 1 MB thread stack (the default on Windows).
    /// </summary>
    public int MaxNestingDepth { get; init; } = 100;

    /// <summary>For-loop iterations of one render, all loops together, those a loop's <c>if</c> skips included.</summary>
    public long MaxLoopIterations { get; init; } = 1_000_000;

    /// <summary>Items of one <c>range()</c>: jinja2's sandbox, which transformers renders in, refuses more
    /// than 100,000 (jinja2.sandbox.MAX_RANGE).</summary>
    public int MaxRangeLength { get; init; } = 100_000;

    /// <summary>Items of any other list a template builds (concatenation, <c>split</c>, <c>list</c>, ...).</summary>
    public int MaxListLength { get; init; } = 1 << 20;

    /// <summary>Characters of the rendered text, and of every string built on the way. The default,
    /// 8 Mi characters, is 16 times a 128K-token prompt at four characters a token.</summary>
    public int MaxOutputLength { get; init; } = 8 << 20;

    /// <summary>
    /// The work of one render, in bytes of the strings and lists its operations read and build (2 per
    /// character, 8 per list item), intermediate values included. It bounds what the other limits cannot
    /// alone, the time and garbage of an operation on large values repeated in a loop. The published
    /// templates use at most 18 bytes per character they output (about 16 MB for a million characters); the
    /// default, 256 MiB, covers the largest output <see cref="MaxOutputLength"/> allows (at most 151 MB) with room to spare.
    /// </summary>
    public long MaxProcessedBytes { get; init; } = 256L << 20;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a limit is not positive.</summary>
    public void Validate()
    {
        Positive(MaxSourceLength, nameof(MaxSourceLength));
        Positive(MaxNestingDepth, nameof(MaxNestingDepth));
        Positive(MaxLoopIterations, nameof(MaxLoopIterations));
        Positive(MaxRangeLength, nameof(MaxRangeLength));
        Positive(MaxListLength, nameof(MaxListLength));
        Positive(MaxOutputLength, nameof(MaxOutputLength));
        Positive(MaxProcessedBytes, nameof(MaxProcessedBytes));
    }

    private static void Positive(long value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value.ToString(CultureInfo.InvariantCulture), $"TemplateLimits.{name} must be positive.");
        }
    }
}
