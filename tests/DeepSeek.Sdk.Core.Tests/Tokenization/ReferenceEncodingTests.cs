using System.Text;

namespace DeepSeek.Sdk.Core.Tests.Tokenization;

/// <summary>Our encodings against huggingface/tokenizers' on the recorded texts, exactly.</summary>
public sealed class ReferenceEncodingTests
{
    [Theory]
    [MemberData(nameof(TokenizerFixtures.TokenizerNames), MemberType = typeof(TokenizerFixtures))]
    public void Every_reference_text_encodes_to_the_reference_ids(string name)
    {
        var tokenizer = TokenizerFixtures.Load(name);
        var reference = TokenizerFixtures.Reference;
        var expected = reference.Ids[name];
        Assert.Equal(reference.Texts.Length, expected.Length);
        var failures = new StringBuilder();
        int mismatches = 0;
        for (int i = 0; i < reference.Texts.Length; i++)
        {
            int[] actual = tokenizer.Encode(reference.Texts[i]);
            if (actual.AsSpan().SequenceEqual(expected[i]))
                continue;
            if (mismatches++ == 0)
                failures.Append($"first mismatch, text #{i} {Escape(reference.Texts[i])}:\n  expected [{string.Join(", ", expected[i])}]\n  actual   [{string.Join(", ", actual)}]\n");
        }
        Assert.True(mismatches == 0, $"{name}: {mismatches} of {reference.Texts.Length} texts differ from {reference.Reference}; {failures}");
    }

    [Theory]
    [MemberData(nameof(TokenizerFixtures.TokenizerNames), MemberType = typeof(TokenizerFixtures))]
    public void Decoding_the_reference_ids_round_trips_exactly_where_the_reference_does(string name)
    {
        var tokenizer = TokenizerFixtures.Load(name);
        var reference = TokenizerFixtures.Reference;
        for (int i = 0; i < reference.Texts.Length; i++)
        {
            string decoded = tokenizer.Decode(reference.Ids[name][i]);
            bool roundTrips = decoded == reference.Texts[i];
            Assert.True(roundTrips == reference.RoundTrips[name][i],
                $"{name} text #{i} {Escape(reference.Texts[i])}: reference round trip {reference.RoundTrips[name][i]}, ours {roundTrips} (decoded {Escape(decoded)})");
        }
    }

    [Fact]
    public void Qwen3_does_not_round_trip_text_that_NFC_changes()
    {
        // U+1FEB GREEK CAPITAL LETTER UPSILON WITH OXIA is canonically U+038E: Qwen3 normalizes to NFC.
        var qwen = TokenizerFixtures.Load("qwen3");
        var deepseek = TokenizerFixtures.Load("deepseek_v3");
        Assert.Equal("\u038E", qwen.Decode(qwen.Encode("\u1FEB")));
        Assert.Equal("\u1FEB", deepseek.Decode(deepseek.Encode("\u1FEB")));
    }

    internal static string Escape(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value is >= 0x20 and < 0x7F)
                builder.Append((char)rune.Value);
            else
                builder.Append($"\\u{{{rune.Value:X}}}");
        }
        return builder.Append('"').ToString();
    }
}
