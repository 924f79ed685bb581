using System.Text;
using DeepSeek.Sdk.Tokenization;

namespace DeepSeek.Sdk.Core.Tests.Tokenization;

/// <summary>Seeded random inputs: encoding never throws and byte-level decoding restores the text.</summary>
public sealed class RandomTextTests
{
    [Theory]
    [MemberData(nameof(TokenizerFixtures.TokenizerNames), MemberType = typeof(TokenizerFixtures))]
    public void Random_unicode_with_astral_characters_and_combining_marks_round_trips(string name)
    {
        var tokenizer = TokenizerFixtures.Load(name);
        var random = new Random(20261122);
        for (int round = 0; round < 300; round++)
        {
            string text = RandomText(random, random.Next(0, 40));
            int[] ids = tokenizer.Encode(text);
            // Qwen3 normalizes to NFC, so its round trip restores the NFC form of the text.
            string expected = name == "qwen3" ? text.Normalize(NormalizationForm.FormC) : text;
            Assert.True(expected == tokenizer.Decode(ids), $"{name}: {ReferenceEncodingTests.Escape(text)} does not round-trip");
            StreamingDetokenizerTests.AssertStreamsLikeDecode(tokenizer, ids, skipSpecialTokens: false);
        }
    }

    [Fact]
    public void Lone_surrogates_encode_as_replacement_characters()
    {
        var tokenizer = TokenizerFixtures.Load("llama3_1");
        Assert.Equal(tokenizer.Encode("a\uFFFDb\uFFFD"), tokenizer.Encode("a\uD800b\uDC00"));
        Assert.Equal("a\uFFFDb\uFFFD", tokenizer.Decode(tokenizer.Encode("a\uD800b\uDC00")));
    }

    [Fact]
    public void Random_byte_token_sequences_decode_like_UTF8_with_replacement_and_stream_identically()
    {
        var tokenizer = TokenizerFixtures.Load("deepseek_v3");
        var byteIds = new int[256];
        for (int b = 0; b < 256; b++)
            byteIds[b] = tokenizer.TokenToId(((char)(b is >= 0x21 and <= 0x7E or >= 0xA1 and <= 0xAC or >= 0xAE ? b : ByteLevelIndex(b))).ToString())!.Value;
        var random = new Random(7);
        for (int round = 0; round < 500; round++)
        {
            var bytes = new byte[random.Next(0, 24)];
            random.NextBytes(bytes);
            var ids = new int[bytes.Length];
            for (int i = 0; i < bytes.Length; i++)
                ids[i] = byteIds[bytes[i]];
            Assert.Equal(Encoding.UTF8.GetString(bytes), tokenizer.Decode(ids));
            StreamingDetokenizerTests.AssertStreamsLikeDecode(tokenizer, ids, skipSpecialTokens: false);
        }
    }

    /// <summary>GPT-2's bytes_to_unicode: the n-th non-printable byte maps to U+0100 + n.</summary>
    private static int ByteLevelIndex(int b)
    {
        int n = 0;
        for (int x = 0; x < b; x++)
            if (!(x is >= 0x21 and <= 0x7E or >= 0xA1 and <= 0xAC or >= 0xAE))
                n++;
        return 0x100 + n;
    }

    private static string RandomText(Random random, int length)
    {
        var builder = new StringBuilder();
        for (int i = 0; i < length; i++)
        {
            int kind = random.Next(8);
            int codePoint = kind switch
            {
                0 => random.Next(0x20, 0x7F),
                1 => " \t\n\r"[random.Next(4)],
                2 => random.Next(0x0300, 0x0370),          // combining diacritics
                3 => random.Next(0x4E00, 0x9FA6),          // CJK
                4 => random.Next(0x1F300, 0x1FAFF),        // emoji (astral)
                5 => random.Next(0x20000, 0x2A6DF),        // CJK Extension B (astral letters)
                6 => random.Next(0x1D400, 0x1D800),        // math alphanumerics (astral letters and digits)
                _ => random.Next(0xA0, 0xD7FF),
            };
            builder.Append(char.ConvertFromUtf32(codePoint));
        }
        return builder.ToString();
    }
}
