using DeepSeek.Sdk.Tokenization;

namespace DeepSeek.Sdk.Fuzzing;

/// <summary>An input is a tokenizer.json, optionally followed by a NUL byte and a tokenizer_config.json (JSON text cannot
/// contain a raw NUL, so the split is unambiguous), or a gzip-compressed tokenizer.json (an input that starts with the
/// gzip magic bytes, which the loader inflates; gzip data holds NULs, so it is never split). The tokenizer is loaded, encodes and decodes
/// <see cref="SampleText"/> (with and without special tokens, one-shot and streaming), decodes ids outside its
/// vocabulary, and renders its chat template, if it has one, with <see cref="FixedConversation"/>.</summary>
public static class TokenizerTarget
{
    /// <summary>Text that reaches every pre-tokenizer branch (letters, digits, punctuation, whitespace runs, CJK, astral
    /// characters, combining marks), the published models' special tokens, and long runs of one character: the inputs on
    /// which a backtracking split pattern such as <c>(a+)+$</c> takes exponential time.</summary>
    public const string SampleText =
        "<｜begin▁of▁sentence｜>Hello, world! It's 2025-01-20: 1234567 × 3.14 = ?\n\n\tTabs  and   spaces.\r\n" +
        "多语言文本 ok? 😀👍🏽 e\u0301 ñ Ⅻ ﬁ <|im_start|>user<|im_end|><|begin_of_text|> don't we'll " +
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa! 0000000000000000000000000000000000000000!                                        !";

    public static FuzzTarget Create() => new("tokenizer", "a tokenizer.json [NUL tokenizer_config.json], or a tokenizer.json.gz", Run);

    private static void Run(byte[] input)
    {
        bool gzip = input.Length >= 2 && input[0] == 0x1F && input[1] == 0x8B;
        int split = gzip ? -1 : Array.IndexOf(input, (byte)0);
        using var json = split < 0 ? new MemoryStream(input, writable: false) : new MemoryStream(input, 0, split, writable: false);
        using var config = split < 0 ? null : new MemoryStream(input, split + 1, input.Length - split - 1, writable: false);
        var tokenizer = Tokenizer.FromStreams(json, config);

        int[] ids = tokenizer.Encode(SampleText, addSpecialTokens: true);
        tokenizer.Decode(ids);
        tokenizer.Decode(ids, skipSpecialTokens: true);
        var streaming = tokenizer.CreateStreamingDetokenizer();
        foreach (int id in ids)
            streaming.Push(id);
        streaming.Flush();
        tokenizer.CountTokens(SampleText);
        tokenizer.Decode([-1, tokenizer.VocabularySize, int.MaxValue, int.MinValue]);
        for (int id = 0; id < Math.Min(tokenizer.VocabularySize, 512); id++)
        {
            tokenizer.IdToToken(id);
            tokenizer.IsSpecialToken(id);
        }

        if (tokenizer.ChatTemplateSources.ContainsKey("default"))
        {
            var formatter = ChatFormatter.FromTokenizer(tokenizer);
            var template = formatter.Template.WithClock(static () => FixedConversation.Clock);
            new ChatFormatter(template, tokenizer).Render(FixedConversation.Messages, addGenerationPrompt: true, FixedConversation.Tools);
        }
    }
}
