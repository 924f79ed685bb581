using System.Text.RegularExpressions;

namespace DeepSeek.Sdk.Tokenization;

/// <summary>
/// tokenizer.json "Split": finds the pattern's non-overlapping leftmost matches in each pre-token
/// and folds matches and the gaps between them by <see cref="SplitDelimiterBehavior"/>.
/// Reference: tokenizers pre_tokenizers/split.rs and tokenizer/pattern.rs (find_matches).
/// </summary>
internal sealed class SplitPreTokenizer(Regex pattern, SplitDelimiterBehavior behavior, bool invert) : PreTokenizer
{
    public override void Split(ReadOnlySpan<char> text, List<PreTokenPiece> input, List<PreTokenPiece> output, EncodeScratch scratch)
    {
        var events = scratch.Events;
        foreach (var piece in input)
        {
            var visible = VisibleText(text, piece, scratch);
            events.Clear();
            int previous = 0;
            foreach (var match in pattern.EnumerateMatches(visible))
            {
                // Empty matches would only produce empty pieces, which the reference discards.
                if (match.Length == 0)
                    continue;
                if (match.Index > previous)
                    events.Add(new SplitEvent(previous, match.Index, false));
                events.Add(new SplitEvent(match.Index, match.Index + match.Length, true));
                previous = match.Index + match.Length;
            }
            if (previous < visible.Length)
                events.Add(new SplitEvent(previous, visible.Length, false));
            Emit(piece, events, behavior, invert, output);
        }
    }
}
