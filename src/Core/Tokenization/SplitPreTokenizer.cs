using System.Text.RegularExpressions;

namespace DeepSeek.Sdk.Tokenization;

/// <summary>
/// tokenizer.json "Split": finds the pattern's non-overlapping leftmost matches in each pre-token
/// and folds matches and the gaps between them by <see cref="SplitDelimiterBehavior"/>.
/// Reference: tokenizers pre_tokenizers/split.rs and tokenizer/pattern.rs (find_matches).
/// </summary>
internal sealed class SplitPreTokenizer(TokenizerPattern pattern, SplitDelimiterBehavior behavior, bool invert) : PreTokenizer
{
    public override void Split(ReadOnlySpan<char> text, List<PreTokenPiece> input, List<PreTokenPiece> output, EncodeScratch scratch)
    {
        var events = scratch.Events;
        foreach (var piece in input)
        {
            var visible = VisibleText(text, piece, scratch);
            try
            {
                CollectMatches(pattern.Regex, visible, events);
            }
            catch (RegexMatchTimeoutException e)
            {
                throw pattern.TimedOut(e, visible.Length);
            }
            Emit(piece, events, behavior, invert, output);
        }
    }
}
