namespace DeepSeek.Sdk.Tokenization;

/// <summary>
/// One step of tokenizer.json's "pre_tokenizer" (a Sequence is flattened into its steps at load):
/// it replaces each pre-token by the pre-tokens it splits into. Steps see the code-point stand-in
/// text (<see cref="CodePointProxy"/>), so each char is one code point.
/// </summary>
internal abstract class PreTokenizer
{
    public abstract void Split(ReadOnlySpan<char> text, List<PreTokenPiece> input, List<PreTokenPiece> output, EncodeScratch scratch);

    /// <summary>The characters a pre-token shows to a pattern, its inserted space included.</summary>
    protected static ReadOnlySpan<char> VisibleText(ReadOnlySpan<char> text, PreTokenPiece piece, EncodeScratch scratch)
    {
        if (!piece.PrefixSpace)
            return text.Slice(piece.Start, piece.Length);
        var buffer = scratch.PrefixBuffer(piece.Length + 1);
        buffer[0] = ' ';
        text.Slice(piece.Start, piece.Length).CopyTo(buffer.AsSpan(1));
        return buffer.AsSpan(0, piece.Length + 1);
    }

    /// <summary>
    /// Turns the (start, end, isMatch) events that cover a pre-token's visible text into pre-tokens
    /// according to <paramref name="behavior"/>; the folding rules follow tokenizers'
    /// NormalizedString::split (tokenizer/normalizer.rs). Empty pieces are dropped there too.
    /// </summary>
    /// <summary>Replaces <paramref name="events"/> with the matches of <paramref name="pattern"/> in
    /// <paramref name="visible"/> (flagged true) and the stretches between them (false). Empty matches would
    /// only produce empty pieces, which the reference discards.</summary>
    protected static void CollectMatches(System.Text.RegularExpressions.Regex pattern, ReadOnlySpan<char> visible, List<SplitEvent> events)
    {
        events.Clear();
        int previous = 0;
        foreach (var match in pattern.EnumerateMatches(visible))
        {
            if (match.Length == 0)
                continue;
            if (match.Index > previous)
                events.Add(new SplitEvent(previous, match.Index, false));
            events.Add(new SplitEvent(match.Index, match.Index + match.Length, true));
            previous = match.Index + match.Length;
        }
        if (previous < visible.Length)
            events.Add(new SplitEvent(previous, visible.Length, false));
    }

    protected static void Emit(PreTokenPiece piece, List<SplitEvent> events, SplitDelimiterBehavior behavior, bool invert, List<PreTokenPiece> output)
    {
        if (invert)
        {
            var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(events);
            for (int i = 0; i < span.Length; i++)
                span[i].IsMatch = !span[i].IsMatch;
        }

        var spans = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(events);
        switch (behavior)
        {
            case SplitDelimiterBehavior.Isolated:
                foreach (var e in spans)
                    Add(piece, e.Start, e.End, output);
                break;
            case SplitDelimiterBehavior.Removed:
                foreach (var e in spans)
                    if (!e.IsMatch)
                        Add(piece, e.Start, e.End, output);
                break;
            case SplitDelimiterBehavior.MergedWithPrevious:
            {
                // A delimiter joins the piece before it, unless that piece was itself a delimiter.
                bool previousMatch = false;
                int count = 0;
                Span<(int Start, int End)> merged = events.Count <= 256 ? stackalloc (int, int)[events.Count] : new (int, int)[events.Count];
                foreach (var e in spans)
                {
                    if (e.IsMatch && !previousMatch && count > 0)
                        merged[count - 1].End = e.End;
                    else
                        merged[count++] = (e.Start, e.End);
                    previousMatch = e.IsMatch;
                }
                for (int i = 0; i < count; i++)
                    Add(piece, merged[i].Start, merged[i].End, output);
                break;
            }
            case SplitDelimiterBehavior.MergedWithNext:
            {
                // Mirror image of MergedWithPrevious, folded from the right.
                bool previousMatch = false;
                int count = 0;
                Span<(int Start, int End)> merged = events.Count <= 256 ? stackalloc (int, int)[events.Count] : new (int, int)[events.Count];
                for (int i = spans.Length - 1; i >= 0; i--)
                {
                    var e = spans[i];
                    if (e.IsMatch && !previousMatch && count > 0)
                        merged[count - 1].Start = e.Start;
                    else
                        merged[count++] = (e.Start, e.End);
                    previousMatch = e.IsMatch;
                }
                for (int i = count - 1; i >= 0; i--)
                    Add(piece, merged[i].Start, merged[i].End, output);
                break;
            }
            case SplitDelimiterBehavior.Contiguous:
            {
                // Runs of delimiters, and runs of non-delimiters, each become one piece.
                bool previousMatch = false;
                int count = 0;
                Span<(int Start, int End)> merged = events.Count <= 256 ? stackalloc (int, int)[events.Count] : new (int, int)[events.Count];
                foreach (var e in spans)
                {
                    if (e.IsMatch == previousMatch && count > 0)
                        merged[count - 1].End = e.End;
                    else
                        merged[count++] = (e.Start, e.End);
                    previousMatch = e.IsMatch;
                }
                for (int i = 0; i < count; i++)
                    Add(piece, merged[i].Start, merged[i].End, output);
                break;
            }
        }
    }

    /// <summary>Adds the visible range [start, end) of <paramref name="piece"/> as a pre-token.</summary>
    private static void Add(PreTokenPiece piece, int start, int end, List<PreTokenPiece> output)
    {
        if (end <= start)
            return;
        if (!piece.PrefixSpace)
            output.Add(new PreTokenPiece(piece.Start + start, end - start, false));
        else if (start == 0)
            output.Add(new PreTokenPiece(piece.Start, end - 1, true));
        else
            output.Add(new PreTokenPiece(piece.Start + start - 1, end - start, false));
    }
}
