using System.Text;
using CsCheck;
using DeepSeek.Sdk.Tokenization;

namespace DeepSeek.Sdk.Core.Tests.Tokenization;

/// <summary>Byte-level BPE loses nothing: every text is a sequence of bytes, every byte has a token, so decoding what
/// encoding produced restores the text exactly (Qwen3 normalizes to NFC first, so it restores the NFC form), and
/// streaming detokenization, token by token, prints exactly what a one-shot decode prints. Checked with CsCheck on the
/// published tokenizers (Fixtures/tokenizers) and the shipped models' (models/), over random Unicode text.</summary>
public sealed class TokenizerRoundTripProperties
{
    private const int Iterations = 400;

    public static TheoryData<string> Tokenizers() => ["deepseek_v3", "qwen3", "llama3_1", "deepseek-r1-tiny", "janus-pro-tiny"];

    [Theory]
    [MemberData(nameof(Tokenizers))]
    public void Decoding_the_encoding_of_any_text_restores_it(string name)
    {
        var tokenizer = Load(name);
        UnicodeTextGen.Text(48).Sample(text =>
        {
            string expected = name == "qwen3" ? text.Normalize(NormalizationForm.FormC) : text;
            string decoded = tokenizer.Decode(tokenizer.Encode(text));
            Assert.True(expected == decoded, $"{name}: {UnicodeTextGen.Escape(text)} decodes to {UnicodeTextGen.Escape(decoded)}");
        }, iter: Iterations, threads: 1, print: UnicodeTextGen.Escape);
    }

    [Theory]
    [MemberData(nameof(Tokenizers))]
    public void Streaming_the_encoding_of_any_text_prints_what_one_shot_decoding_prints(string name)
    {
        var tokenizer = Load(name);
        UnicodeTextGen.Text(48).Sample(text =>
        {
            int[] ids = tokenizer.Encode(text, addSpecialTokens: true);
            Assert.Equal(tokenizer.Decode(ids), Stream(tokenizer, ids, skipSpecialTokens: false));
            Assert.Equal(tokenizer.Decode(ids, skipSpecialTokens: true), Stream(tokenizer, ids, skipSpecialTokens: true));
        }, iter: Iterations, threads: 1, print: UnicodeTextGen.Escape);
    }

    /// <summary>Arbitrary id sequences (split multi-byte characters, special tokens, ids past the vocabulary) are where a
    /// streaming decoder's buffering goes wrong; encoding never produces most of them.</summary>
    [Theory]
    [MemberData(nameof(Tokenizers))]
    public void Streaming_any_id_sequence_prints_what_one_shot_decoding_prints(string name)
    {
        var tokenizer = Load(name);
        int size = tokenizer.VocabularySize;
        Gen.Int[-2, size + 2].Array[0, 32].Sample(ids =>
        {
            Assert.Equal(tokenizer.Decode(ids), Stream(tokenizer, ids, skipSpecialTokens: false));
            Assert.Equal(tokenizer.Decode(ids, skipSpecialTokens: true), Stream(tokenizer, ids, skipSpecialTokens: true));
        }, iter: Iterations, threads: 1);
    }

    private static string Stream(Tokenizer tokenizer, int[] ids, bool skipSpecialTokens)
    {
        var detokenizer = tokenizer.CreateStreamingDetokenizer(skipSpecialTokens);
        var text = new StringBuilder();
        foreach (int id in ids)
            text.Append(detokenizer.Push(id));
        return text.Append(detokenizer.Flush()).ToString();
    }

    private static Tokenizer Load(string name) =>
        name.Contains('-') ? ShippedModels.Tokenizer(name) : TokenizerFixtures.Load(name);
}
