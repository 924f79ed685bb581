using System.Buffers;
using System.Globalization;
using System.Text;

namespace DeepSeek.Sdk.Tokenization;

/// <summary>
/// Finds added tokens in text the way tokenizers' AddedVocabulary::find_matches does: leftmost,
/// longest match first, non-overlapping; single_word tokens are dropped when glued to a word
/// character; lstrip/rstrip tokens take the whitespace beside them. Reference:
/// tokenizers tokenizer/added_vocabulary.rs (an Aho-Corasick automaton, MatchKind::LeftmostLongest).
/// </summary>
internal sealed class AddedTokenMatcher
{
    private readonly SearchValues<string>? _starts;

    // A trie of the patterns: edges keyed by (node << 16 | char), and the token that ends at each node. Finding
    // the longest token at a position walks it once, so the cost is at most the longest token's length
    // (TokenizerLimits.MaxAddedTokenLength) however many tokens share a prefix.
    private readonly Dictionary<long, int> _edges = new();
    private readonly List<AddedToken?> _endingAt = [null];

    /// <param name="tokens">the tokens to find; <paramref name="patterns"/> holds the text to look for
    /// (the content, normalized for normalized tokens), in the same order</param>
    public AddedTokenMatcher(IReadOnlyList<AddedToken> tokens, IReadOnlyList<string> patterns)
    {
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < tokens.Count; i++)
        {
            string pattern = patterns[i];
            // The first of several tokens with the same text wins.
            if (pattern.Length == 0 || !distinct.Add(pattern))
                continue;
            int node = 0;
            foreach (char c in pattern)
            {
                long key = ((long)node << 16) | c;
                if (!_edges.TryGetValue(key, out int child))
                {
                    child = _endingAt.Count;
                    _endingAt.Add(null);
                    _edges.Add(key, child);
                }
                node = child;
            }
            _endingAt[node] = tokens[i] with { Content = pattern };
        }
        if (distinct.Count > 0)
            _starts = SearchValues.Create([.. distinct], StringComparison.Ordinal);
    }

    public bool IsEmpty => _starts is null;

    /// <summary>
    /// Appends to <paramref name="splits"/> the pieces covering <paramref name="text"/>: added tokens
    /// with their id, and the stretches between them with id -1.
    /// </summary>
    public void Split(ReadOnlySpan<char> text, List<(int Start, int End, int TokenId)> splits)
    {
        int covered = 0;
        int searchFrom = 0;
        if (_starts is not null)
        {
            while (searchFrom < text.Length)
            {
                int found = text[searchFrom..].IndexOfAny(_starts);
                if (found < 0)
                    break;
                int start = searchFrom + found;
                var token = LongestAt(text, start);
                int stop = start + token.Content.Length;
                searchFrom = stop;

                if (token.SingleWord && (EndsWithWordCharacter(text[..start]) || StartsWithWordCharacter(text[stop..])))
                    continue;
                if (token.LeftStrip)
                {
                    int newStart = start;
                    while (newStart > 0 && char.IsWhiteSpace(text[newStart - 1]))
                        newStart--;
                    // Whitespace an earlier token already took stays with it.
                    start = Math.Max(newStart, covered);
                }
                if (token.RightStrip)
                {
                    while (stop < text.Length && char.IsWhiteSpace(text[stop]))
                        stop++;
                    searchFrom = stop;
                }
                if (covered < start)
                    splits.Add((covered, start, -1));
                splits.Add((start, stop, token.Id));
                covered = stop;
            }
        }
        if (covered < text.Length)
            splits.Add((covered, text.Length, -1));
    }

    private AddedToken LongestAt(ReadOnlySpan<char> text, int start)
    {
        AddedToken? longest = null;
        int node = 0;
        for (int i = start; i < text.Length && _edges.TryGetValue(((long)node << 16) | text[i], out node); i++)
            longest = _endingAt[node] ?? longest;
        return longest ?? throw new InvalidOperationException("SearchValues reported a match that no added token confirms.");
    }

    // Rust regex's \w: alphabetic, marks, decimal digits, connector punctuation (added_vocabulary.rs
    // checks ^\w and \w$ around single_word tokens).
    private static bool IsWordCharacter(Rune rune)
    {
        var category = Rune.GetUnicodeCategory(rune);
        return Rune.IsLetter(rune) || category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
            or UnicodeCategory.EnclosingMark or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber
            or UnicodeCategory.ConnectorPunctuation;
    }

    private static bool EndsWithWordCharacter(ReadOnlySpan<char> text) =>
        text.Length > 0 && Rune.DecodeLastFromUtf16(text, out var rune, out _) == OperationStatus.Done && IsWordCharacter(rune);

    private static bool StartsWithWordCharacter(ReadOnlySpan<char> text) =>
        text.Length > 0 && Rune.DecodeFromUtf16(text, out var rune, out _) == OperationStatus.Done && IsWordCharacter(rune);
}
