using System.Globalization;

namespace DeepSeek.Sdk.Tokenization;

/// <summary>
/// Lets .NET's UTF-16 regex engine split text the way tokenizers' Oniguruma does on code points.
/// .NET sees an astral character (emoji, CJK Extension B, math alphanumerics) as two surrogates of
/// category Cs, so <c>\p{L}</c> misses 𠀀 and <c>[^\p{L}\p{N}]?</c> swallows half of 😀. We give the
/// regex a stand-in text with one BMP character per code point, of the same Unicode general
/// category, and map match offsets back. This is exact for patterns that name astral characters
/// only through categories and whitespace classes, which holds for every published pattern we load
/// (explicit astral ranges are rejected when the pattern is compiled).
/// </summary>
internal static class CodePointProxy
{
    /// <summary>
    /// One BMP representative per <see cref="UnicodeCategory"/>, chosen outside ASCII, the CJK and
    /// kana ranges that published patterns spell out, and the letters that case-fold onto the
    /// contraction suffixes ('s, 't, 're, 've, 'm, 'll, 'd).
    /// </summary>
    private static readonly char[] Representative = BuildRepresentatives();

    private static char[] BuildRepresentatives()
    {
        var table = new char[30];
        table[(int)UnicodeCategory.UppercaseLetter] = '\u0181';
        table[(int)UnicodeCategory.LowercaseLetter] = '\u0180';
        table[(int)UnicodeCategory.TitlecaseLetter] = '\u01C5';
        table[(int)UnicodeCategory.ModifierLetter] = '\u02B0';
        table[(int)UnicodeCategory.OtherLetter] = '\u01BB';
        table[(int)UnicodeCategory.NonSpacingMark] = '\u0300';
        table[(int)UnicodeCategory.SpacingCombiningMark] = '\u0903';
        table[(int)UnicodeCategory.EnclosingMark] = '\u20DD';
        table[(int)UnicodeCategory.DecimalDigitNumber] = '\u0660';
        table[(int)UnicodeCategory.LetterNumber] = '\u2160';
        table[(int)UnicodeCategory.OtherNumber] = '\u00B2';
        table[(int)UnicodeCategory.SpaceSeparator] = '\u2000';
        table[(int)UnicodeCategory.LineSeparator] = '\u2028';
        table[(int)UnicodeCategory.ParagraphSeparator] = '\u2029';
        table[(int)UnicodeCategory.Control] = '\u0085';
        table[(int)UnicodeCategory.Format] = '\u2060';
        table[(int)UnicodeCategory.Surrogate] = '\uFFFD';
        table[(int)UnicodeCategory.PrivateUse] = '\uE000';
        table[(int)UnicodeCategory.ConnectorPunctuation] = '\u203F';
        table[(int)UnicodeCategory.DashPunctuation] = '\u2010';
        table[(int)UnicodeCategory.OpenPunctuation] = '\u2045';
        table[(int)UnicodeCategory.ClosePunctuation] = '\u2046';
        table[(int)UnicodeCategory.InitialQuotePunctuation] = '\u00AB';
        table[(int)UnicodeCategory.FinalQuotePunctuation] = '\u00BB';
        table[(int)UnicodeCategory.OtherPunctuation] = '\u00A1';
        table[(int)UnicodeCategory.MathSymbol] = '\u00AC';
        table[(int)UnicodeCategory.CurrencySymbol] = '\u00A2';
        table[(int)UnicodeCategory.ModifierSymbol] = '\u00A8';
        table[(int)UnicodeCategory.OtherSymbol] = '\u00A6';
        // U+FDD0 is a permanent noncharacter: unassigned (Cn) in every Unicode version.
        table[(int)UnicodeCategory.OtherNotAssigned] = '\uFDD0';
        return table;
    }

    /// <summary>
    /// Writes the stand-in text for <paramref name="text"/> (which holds only well-formed surrogate
    /// pairs) into <paramref name="proxy"/>, and into <paramref name="offsets"/> the index in
    /// <paramref name="text"/> of each stand-in character, plus one final entry for the end.
    /// Returns the stand-in length.
    /// </summary>
    public static int Build(ReadOnlySpan<char> text, Span<char> proxy, Span<int> offsets)
    {
        int n = 0;
        for (int i = 0; i < text.Length; i++)
        {
            offsets[n] = i;
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                int codePoint = char.ConvertToUtf32(c, text[i + 1]);
                proxy[n++] = Representative[(int)CharUnicodeInfo.GetUnicodeCategory(codePoint)];
                i++;
            }
            else
            {
                proxy[n++] = c;
            }
        }
        offsets[n] = text.Length;
        return n;
    }
}
