using System.Text.RegularExpressions;

namespace DeepSeek.Sdk.Tokenization;

/// <summary>
/// tokenizer.json "ByteLevel" as a pre-tokenizer: optionally prefixes each pre-token with a space
/// (add_prefix_space) and splits it with GPT-2's pattern (use_regex). The byte-to-alphabet mapping
/// itself is done by <see cref="BytePairEncoding"/> on each final pre-token's UTF-8 bytes, which is
/// why this step must come last. Reference: tokenizers pre_tokenizers/byte_level.rs.
/// </summary>
internal sealed class ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex) : PreTokenizer
{
    /// <summary>GPT-2's split pattern, as in openai/gpt-2 encoder.py and byte_level.rs.</summary>
    internal const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private static readonly Regex Gpt2 = new(Gpt2Pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);

    public override void Split(ReadOnlySpan<char> text, List<PreTokenPiece> input, List<PreTokenPiece> output, EncodeScratch scratch)
    {
        var events = scratch.Events;
        foreach (var original in input)
        {
            var piece = original;
            if (addPrefixSpace && !piece.PrefixSpace && (piece.Length == 0 || text[piece.Start] != ' '))
                piece.PrefixSpace = true;
            if (!useRegex)
            {
                output.Add(piece);
                continue;
            }
            var visible = VisibleText(text, piece, scratch);
            CollectMatches(Gpt2, visible, events);
            Emit(piece, events, SplitDelimiterBehavior.Isolated, invert: false, output);
        }
    }
}
