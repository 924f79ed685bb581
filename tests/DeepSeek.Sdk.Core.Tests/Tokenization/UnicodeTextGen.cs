using System.Text;
using CsCheck;

namespace DeepSeek.Sdk.Core.Tests.Tokenization;

/// <summary>CsCheck generators of well-formed Unicode text (no lone surrogates: every character comes from a scalar value)
/// weighted towards what breaks byte-level tokenizers and template engines: astral characters (emoji, then any plane
/// up to U+10FFFF, unassigned and private use included), combining marks, control characters, RTL and CJK scripts,
/// variation selectors and zero-width characters, whitespace runs, and the published models' special tokens.</summary>
internal static class UnicodeTextGen
{
    private static readonly Gen<int> s_codePoint = Gen.Frequency(
        (30, Gen.Int[0x20, 0x7E]),
        (6, Gen.OneOf(' ', '\n', '\t', '\r', '\u00A0', '\u3000').Select(c => (int)c)),
        (3, Gen.Int[0x00, 0x1F]),
        (6, Gen.Int[0xA0, 0x24F]),
        (8, Gen.Int[0x300, 0x36F]),
        (4, Gen.Int[0x400, 0x4FF]),
        (4, Gen.Int[0x590, 0x6FF]),
        (6, Gen.Int[0x4E00, 0x9FFF]),
        (3, Gen.Int[0xAC00, 0xD7A3]),
        (2, Gen.Int[0x200B, 0x200F]),
        (2, Gen.Int[0xFE00, 0xFE0F]),
        (2, Gen.Int[0xE000, 0xFFFD]),
        (8, Gen.Int[0x1F300, 0x1FAFF]),
        (5, Gen.Int[0x10000, 0x10FFFF]));

    private static readonly Gen<string> s_piece = Gen.Frequency(
        (40, s_codePoint.Select(char.ConvertFromUtf32)),
        (1, Gen.OneOf("<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<|im_start|>", "<|im_end|>", "<|begin_of_text|>",
            "<|eot_id|>", "<think>", "</think>", "   ", "\n\n", "'s", "'ll", "1234567", "...")));

    /// <summary>Strings of 0 to <paramref name="maxPieces"/> pieces (a character or a special-token string each).</summary>
    public static Gen<string> Text(int maxPieces) => s_piece.Array[0, maxPieces].Select(pieces => string.Concat(pieces));

    /// <summary>How Python's len counts a string: code points, not UTF-16 units.</summary>
    public static int CodePoints(string text)
    {
        int count = 0;
        foreach (var _ in text.EnumerateRunes())
            count++;
        return count;
    }

    /// <summary>Shows a failing input with every non-ASCII character escaped, so the report says what the text held.</summary>
    public static string Escape(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var rune in text.EnumerateRunes())
            builder.Append(rune.Value is >= 0x20 and < 0x7F && rune.Value != '"' && rune.Value != '\\' ? ((char)rune.Value).ToString() : $"\\u{{{rune.Value:X}}}");
        return builder.Append('"').ToString();
    }
}
