using System.Text;

namespace DeepSeek.Sdk.Tokenization;

/// <summary>
/// UTF-16 text as tokenizers' Rust sees it: code points, never lone surrogates, and Unicode normalization that
/// accepts every code point.
/// </summary>
internal static class UnicodeText
{
    public static bool HasLoneSurrogate(ReadOnlySpan<char> text)
    {
        int first = text.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (first < 0)
            return false;
        for (int i = first; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i]))
                continue;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            else
                return true;
        }
        return false;
    }

    /// <summary>Lone surrogates cannot be UTF-8; like any UTF-8 encoder we read them as U+FFFD.</summary>
    public static string ReplaceLoneSurrogates(ReadOnlySpan<char> text)
    {
        var chars = text.ToArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
                i++;
            else if (char.IsSurrogate(chars[i]))
                chars[i] = '\uFFFD';
        }
        return new string(chars);
    }

    /// <summary>
    /// <see cref="string.Normalize(NormalizationForm)"/>, except that the noncharacter U+FFFE and lone surrogates,
    /// which .NET (ICU) refuses with an ArgumentException, pass through unchanged as tokenizers' Rust
    /// (unicode-normalization) passes U+FFFE. Both have combining class 0, no decomposition and compose with
    /// nothing, so they are normalization boundaries: normalizing the stretches between them gives the same text
    /// as normalizing the whole.
    /// </summary>
    public static string Normalize(string text, NormalizationForm form)
    {
        // U+FFFE may come from the user's text, so it is looked for (a vectorized scan) rather than caught; lone
        // surrogates never do (EncodeToList replaces them), only from a crafted Replace normalizer before this one.
        if (!text.Contains('\uFFFE'))
        {
            try
            {
                return text.IsNormalized(form) ? text : text.Normalize(form);
            }
            catch (ArgumentException) when (HasLoneSurrogate(text))
            {
            }
        }
        var builder = new StringBuilder(text.Length);
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (c != '\uFFFE' && !char.IsSurrogate(c))
                continue;
            string stretch = text[start..i];
            builder.Append(stretch.IsNormalized(form) ? stretch : stretch.Normalize(form)).Append(c);
            start = i + 1;
        }
        string last = text[start..];
        return builder.Append(last.IsNormalized(form) ? last : last.Normalize(form)).ToString();
    }
}
