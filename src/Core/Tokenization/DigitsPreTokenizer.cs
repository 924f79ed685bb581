namespace DeepSeek.Sdk.Tokenization;

/// <summary>
/// tokenizer.json "Digits": numeric characters (Rust's char::is_numeric, categories Nd, Nl, No) are
/// split off, each on its own when individual_digits is set, else as contiguous runs.
/// Reference: tokenizers pre_tokenizers/digits.rs.
/// </summary>
internal sealed class DigitsPreTokenizer(bool individualDigits) : PreTokenizer
{
    public override void Split(ReadOnlySpan<char> text, List<PreTokenPiece> input, List<PreTokenPiece> output, EncodeScratch scratch)
    {
        var events = scratch.Events;
        var behavior = individualDigits ? SplitDelimiterBehavior.Isolated : SplitDelimiterBehavior.Contiguous;
        foreach (var piece in input)
        {
            var visible = VisibleText(text, piece, scratch);
            events.Clear();
            int previous = 0;
            for (int i = 0; i < visible.Length; i++)
            {
                if (!char.IsNumber(visible[i]))
                    continue;
                if (i > previous)
                    events.Add(new SplitEvent(previous, i, false));
                events.Add(new SplitEvent(i, i + 1, true));
                previous = i + 1;
            }
            if (previous < visible.Length)
                events.Add(new SplitEvent(previous, visible.Length, false));
            Emit(piece, events, behavior, invert: false, output);
        }
    }
}
