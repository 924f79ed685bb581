using DeepSeek.Sdk.Tokenization;

namespace DeepSeek.Sdk.Core.Tests.Tokenization;

public sealed class StreamingDetokenizerTests
{
    [Theory]
    [MemberData(nameof(TokenizerFixtures.TokenizerNames), MemberType = typeof(TokenizerFixtures))]
    public void Streaming_every_reference_text_id_by_id_equals_whole_decode_and_never_splits_a_character(string name)
    {
        var tokenizer = TokenizerFixtures.Load(name);
        foreach (var ids in TokenizerFixtures.Reference.Ids[name])
            AssertStreamsLikeDecode(tokenizer, ids, skipSpecialTokens: false);
    }

    [Fact]
    public void An_emoji_split_across_tokens_is_held_until_complete()
    {
        var tokenizer = TokenizerFixtures.Load("llama3_1");
        int[] ids = tokenizer.Encode("\U0001F469\u200D\U0001F469\u200D\U0001F467");
        Assert.True(ids.Length > 1);
        var stream = tokenizer.CreateStreamingDetokenizer();
        var pieces = new List<string>();
        foreach (int id in ids)
            pieces.Add(stream.Push(id));
        Assert.Contains(string.Empty, pieces);
        Assert.Equal("\U0001F469\u200D\U0001F469\u200D\U0001F467", string.Concat(pieces) + stream.Flush());
    }

    [Fact]
    public void Bytes_that_cannot_complete_are_emitted_as_replacement_characters()
    {
        // Byte-level tokens for lone bytes: 0xE4 starts a 3-byte character, 'A' cannot continue it.
        var tokenizer = TokenizerFixtures.Load("qwen3");
        int leading = tokenizer.TokenToId(((char)0xE4).ToString())!.Value;
        int letter = tokenizer.TokenToId("A")!.Value;
        var stream = tokenizer.CreateStreamingDetokenizer();
        Assert.Equal(string.Empty, stream.Push(leading));
        Assert.Equal("\uFFFDA", stream.Push(letter));
        Assert.Equal(string.Empty, stream.Push(leading));
        Assert.Equal("\uFFFD", stream.Flush());
        Assert.Equal("\uFFFDA\uFFFD", tokenizer.Decode([leading, letter, leading]));
    }

    [Fact]
    public void Special_tokens_can_be_skipped_while_streaming()
    {
        var tokenizer = TokenizerFixtures.Load("qwen3");
        int[] ids = tokenizer.Encode("<|im_start|>hi<|im_end|>");
        AssertStreamsLikeDecode(tokenizer, ids, skipSpecialTokens: true);
        AssertStreamsLikeDecode(tokenizer, ids, skipSpecialTokens: false);
    }

    internal static void AssertStreamsLikeDecode(Tokenizer tokenizer, int[] ids, bool skipSpecialTokens)
    {
        var stream = tokenizer.CreateStreamingDetokenizer(skipSpecialTokens);
        var text = new System.Text.StringBuilder();
        foreach (int id in ids)
        {
            string piece = stream.Push(id);
            AssertWellFormed(piece);
            text.Append(piece);
        }
        string rest = stream.Flush();
        AssertWellFormed(rest);
        text.Append(rest);
        Assert.Equal(tokenizer.Decode(ids, skipSpecialTokens), text.ToString());
    }

    private static void AssertWellFormed(string piece)
    {
        for (int i = 0; i < piece.Length; i++)
        {
            if (char.IsHighSurrogate(piece[i]) && i + 1 < piece.Length && char.IsLowSurrogate(piece[i + 1]))
                i++;
            else
                Assert.False(char.IsSurrogate(piece[i]), $"lone surrogate at {i} in a streamed piece");
        }
    }
}
