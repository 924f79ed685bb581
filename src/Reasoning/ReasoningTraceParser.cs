using System.Text;

namespace DeepSeek.Sdk.Reasoning;

/// <summary>
/// Splits a reasoning model's streamed output into the thinking trace and the answer, as the text arrives.
/// DeepSeek-R1 writes <c>&lt;think&gt;\n…reasoning…\n&lt;/think&gt;\n\n…answer…</c>; its published chat template
/// already ends the prompt with <c>&lt;think&gt;\n</c>, so the output usually starts inside the trace.
/// </summary>
/// <remarks>
/// Works on text, not token ids: in R1's tokenizer <c>&lt;think&gt;</c>/<c>&lt;/think&gt;</c> are added tokens
/// (ids 128798/128799), in DeepSeek-V3's they are ordinary BPE pieces (<c>&lt;/</c>, <c>think</c>, <c>&gt;</c>),
/// so a tag may arrive split across tokens. Text that could still be the start of a tag is held back until
/// the next piece decides it. The trace and the answer are trimmed of whitespace where they meet the tags
/// (as R1's successors' templates do with <c>strip('\n')</c>), so trailing whitespace inside the trace is
/// held back too until more reasoning follows. A tag the model repeats (<c>&lt;think&gt;</c> right after the
/// prompt opened it) is dropped; a trace never closed is all reasoning. Not thread-safe: one per sequence.
/// </remarks>
public sealed class ReasoningTraceParser
{
    public const string OpenTag = "<think>";
    public const string CloseTag = "</think>";

    private readonly StringBuilder _pending = new();
    private readonly StringBuilder _reasoning = new(); // output of one Append, reused
    private readonly StringBuilder _answer = new();
    private bool _atSegmentStart = true;

    /// <param name="traceOpenedByPrompt">True when the prompt ended with <c>&lt;think&gt;</c> (R1's template
    /// does), so the output starts inside the trace; false to wait for the model to open it, treating
    /// output that starts with anything else as an answer without a trace.</param>
    public ReasoningTraceParser(bool traceOpenedByPrompt = true)
    {
        Phase = traceOpenedByPrompt ? TracePhase.Reasoning : TracePhase.BeforeTrace;
    }

    public TracePhase Phase { get; private set; }

    /// <summary>True once <c>&lt;/think&gt;</c> ended the trace.</summary>
    public bool TraceClosed { get; private set; }

    /// <summary>Adds the next piece of output text and returns what it adds to the reasoning and the answer.</summary>
    public TraceDelta Append(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _pending.Append(text);
        _reasoning.Clear();
        _answer.Clear();
        while (Step(_reasoning, _answer))
        {
        }
        return new TraceDelta(_reasoning.Length == 0 ? string.Empty : _reasoning.ToString(), _answer.Length == 0 ? string.Empty : _answer.ToString());
    }

    /// <summary>Releases what was held back because it might have begun a tag or preceded one (call at the end
    /// of the output): a partial tag turns out to be text, trailing whitespace of an unclosed trace is trimmed.</summary>
    public TraceDelta Flush()
    {
        string rest = _pending.ToString();
        _pending.Clear();
        switch (Phase)
        {
            case TracePhase.BeforeTrace:
                // Whitespace, or a prefix of <think> that never completed: the model answered without a trace.
                rest = rest.TrimStart();
                if (rest.Length > 0) Phase = TracePhase.Answer;
                return new TraceDelta(string.Empty, rest);
            case TracePhase.Reasoning:
                return new TraceDelta(_atSegmentStart ? rest.Trim() : rest.TrimEnd(), string.Empty);
            default:
                return new TraceDelta(string.Empty, _atSegmentStart ? rest.TrimStart() : rest);
        }
    }

    /// <summary>Splits a whole output at once (for text that was not streamed).</summary>
    public static TraceDelta Split(string output, bool traceOpenedByPrompt = true)
    {
        var parser = new ReasoningTraceParser(traceOpenedByPrompt);
        return parser.Append(output).Then(parser.Flush());
    }

    /// <summary>Processes pending text in the current phase; true when the phase changed and there is more to do.</summary>
    private bool Step(StringBuilder reasoning, StringBuilder answer)
    {
        switch (Phase)
        {
            case TracePhase.BeforeTrace:
            {
                DropLeadingWhitespace();
                if (_pending.Length == 0 || IsProperPrefixOf(OpenTag)) return false;
                if (StartsWith(OpenTag))
                {
                    _pending.Remove(0, OpenTag.Length);
                    Phase = TracePhase.Reasoning;
                    _atSegmentStart = true;
                    return true;
                }
                Phase = TracePhase.Answer;
                _atSegmentStart = false;
                return true;
            }
            case TracePhase.Reasoning:
            {
                if (_atSegmentStart)
                {
                    DropLeadingWhitespace();
                    if (_pending.Length == 0 || IsProperPrefixOf(OpenTag)) return false;
                    if (StartsWith(OpenTag))
                    {
                        // The model opened the trace again after the prompt did: one trace, not a nested one.
                        _pending.Remove(0, OpenTag.Length);
                        return true;
                    }
                    _atSegmentStart = false;
                }

                string pending = _pending.ToString();
                int close = pending.IndexOf(CloseTag, StringComparison.Ordinal);
                if (close >= 0)
                {
                    reasoning.Append(pending.AsSpan(0, close).TrimEnd());
                    _pending.Clear().Append(pending, close + CloseTag.Length, pending.Length - close - CloseTag.Length);
                    Phase = TracePhase.Answer;
                    TraceClosed = true;
                    _atSegmentStart = true;
                    return true;
                }

                // Hold a possible start of </think>, and the whitespace before it (trimmed if the tag follows).
                int keep = pending.Length - LongestSuffixThatPrefixes(pending, CloseTag);
                while (keep > 0 && char.IsWhiteSpace(pending[keep - 1])) keep--;
                reasoning.Append(pending.AsSpan(0, keep));
                _pending.Remove(0, keep);
                return false;
            }
            default:
            {
                if (_atSegmentStart)
                {
                    DropLeadingWhitespace();
                    if (_pending.Length == 0) return false;
                    _atSegmentStart = false;
                }
                foreach (var chunk in _pending.GetChunks()) answer.Append(chunk.Span);
                _pending.Clear();
                return false;
            }
        }
    }

    private void DropLeadingWhitespace()
    {
        int n = 0;
        while (n < _pending.Length && char.IsWhiteSpace(_pending[n])) n++;
        _pending.Remove(0, n);
    }

    private bool StartsWith(string tag)
    {
        if (_pending.Length < tag.Length) return false;
        for (int i = 0; i < tag.Length; i++)
            if (_pending[i] != tag[i]) return false;
        return true;
    }

    /// <summary>The pending text is a proper prefix of <paramref name="tag"/> (more text may complete it).</summary>
    private bool IsProperPrefixOf(string tag)
    {
        if (_pending.Length >= tag.Length) return false;
        for (int i = 0; i < _pending.Length; i++)
            if (_pending[i] != tag[i]) return false;
        return true;
    }

    private static int LongestSuffixThatPrefixes(string text, string tag)
    {
        for (int len = Math.Min(text.Length, tag.Length - 1); len > 0; len--)
            if (text.AsSpan(text.Length - len).SequenceEqual(tag.AsSpan(0, len))) return len;
        return 0;
    }
}
