using System.Text;
using System.Text.Json;
using DeepSeek.Sdk.Tokenization;
using static DeepSeek.Sdk.Core.Tests.Tokenization.CraftedTokenizer;

namespace DeepSeek.Sdk.Core.Tests.Tokenization;

/// <summary>
/// Encoding stays total and bounded whatever the text and the tokenizer's added tokens and normalizers: every code
/// point normalizes, added tokens are found in time linear in the text times the longest token, and the word cache
/// holds short words only.
/// </summary>
public sealed class TokenizerEncodingSafetyTests
{
    private static string AddedToken(int id, string content, bool normalized = false) =>
        $$"""{"id": {{id}}, "content": {{JsonSerializer.Serialize(content)}}, "special": true, "normalized": {{(normalized ? "true" : "false")}}}""";

    [Fact]
    public void The_noncharacter_U_FFFE_passes_through_NFC_as_tokenizers_passes_it()
    {
        // .NET's normalization throws on U+FFFE; Qwen3 normalizes every prompt with NFC.
        var qwen = TokenizerFixtures.Load("qwen3");
        Assert.Equal("\u00E9\uFFFE\u00E9x\uFFFE", qwen.Decode(qwen.Encode("e\u0301\uFFFEe\u0301x\uFFFE")));
        Assert.Equal(qwen.Encode("\u00E9"), qwen.Encode("e\u0301"));
    }

    [Fact]
    public void A_normalized_added_token_holding_U_FFFE_loads_and_matches()
    {
        var tokenizer = Load(Json(normalizer: """{"type": "NFKC"}""", addedTokens: $"[{AddedToken(300, "<\uFFFE>", normalized: true)}]"));
        Assert.Equal(['x', 300, 'y'], tokenizer.Encode("x<\uFFFE>y"));
    }

    [Fact]
    public void A_replace_normalizer_that_splits_surrogate_pairs_leaves_replacement_characters_not_a_crash()
    {
        // Removing the high half of every astral character leaves lone low surrogates for NFC to see.
        string normalizer = """{"type": "Sequence", "normalizers": [{"type": "Replace", "pattern": {"Regex": "[\\uD800-\\uDBFF]"}, "content": ""}, {"type": "NFC"}]}""";
        var tokenizer = Load(Json(normalizer: normalizer));
        Assert.Equal("a\uFFFDb", tokenizer.Decode(tokenizer.Encode("a\U0001F600b")));
    }

    [Fact]
    public async Task Thousands_of_long_added_tokens_sharing_a_prefix_cost_no_more_than_one()
    {
        // "a", and 200 a's followed by one distinct letter, once or 4000 times. Comparing each position of a text of
        // a's with every candidate made the second 4000 times slower (19 s of CPU for 300k characters); the trie
        // walks at most 201 characters a position however many tokens share the prefix. Machine speed cancels out
        // of the ratio; the minimum of three runs filters out a busy machine's pauses.
        var one = Load(Json(addedTokens: AddedTokens(1)));
        var many = Load(Json(addedTokens: AddedTokens(4000)));
        string text = new('a', 50_000);
        var ((oneTime, manyTime), _, _) = await Measure(() => (Fastest(one, text), Fastest(many, text)));
        Assert.True(manyTime < 10 * oneTime + TimeSpan.FromMilliseconds(50), $"one long token: {oneTime}, 4000: {manyTime}");

        var ids = many.Encode(text);
        Assert.Equal(text.Length, ids.Length);
        Assert.All(ids, id => Assert.Equal(300, id));
        Assert.Equal([300, 301], many.Encode(new string('a', 201) + '\u4E00'));
        Assert.Equal([306, 300], many.Encode(new string('a', 200) + "\u4E05a"));
    }

    private static string AddedTokens(int count)
    {
        var added = new StringBuilder("[").Append(AddedToken(300, "a"));
        for (int i = 0; i < count; i++)
            added.Append(", ").Append(AddedToken(301 + i, new string('a', 200) + (char)(0x4E00 + i)));
        return added.Append(']').ToString();
    }

    private static TimeSpan Fastest(Tokenizer tokenizer, string text)
    {
        var fastest = TimeSpan.MaxValue;
        for (int run = 0; run < 3; run++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            tokenizer.CountTokens(text);
            fastest = clock.Elapsed < fastest ? clock.Elapsed : fastest;
        }
        return fastest;
    }

    [Fact]
    public void The_longest_added_token_still_wins_among_tokens_sharing_a_prefix()
    {
        string added = $"[{AddedToken(300, "<a")}, {AddedToken(301, "<ab>")}, {AddedToken(302, "<abc>")}, {AddedToken(303, "<ab")}]";
        var tokenizer = Load(Json(addedTokens: added));
        Assert.Equal([301, 300, 'x', 303, 'c', 302], tokenizer.Encode("<ab><ax<abc<abc>"));
    }

    [Fact]
    public void An_added_token_longer_than_the_limit_is_refused_naming_it()
    {
        var error = Assert.Throws<TokenizerFormatException>(() =>
            Load(Json(addedTokens: $"[{AddedToken(300, "<x>")}, {AddedToken(301, new string('x', 257))}]")));
        Assert.Equal("crafted/tokenizer.json: $.added_tokens[1].content is 257 characters long (TokenizerLimits.MaxAddedTokenLength = 256).", error.Message);
    }

    [Fact]
    public void An_added_token_that_normalization_lengthens_past_the_limit_is_refused()
    {
        // NFKC spells U+FDFA as 18 characters: 15 of them make 270.
        var error = Assert.Throws<TokenizerFormatException>(() =>
            Load(Json(normalizer: """{"type": "NFKC"}""", addedTokens: $"[{AddedToken(300, new string('\uFDFA', 15), normalized: true)}]")));
        Assert.Equal("crafted/tokenizer.json: $.added_tokens[0].content is 270 characters long once normalized (TokenizerLimits.MaxAddedTokenLength = 256).", error.Message);
    }

    [Fact]
    public void Added_tokens_holding_more_characters_than_the_limit_together_are_refused()
    {
        var added = new StringBuilder("[");
        for (int i = 0; i < 10; i++)
            added.Append(i == 0 ? "" : ", ").Append(AddedToken(300 + i, new string((char)('a' + i), 200)));
        var error = Assert.Throws<TokenizerFormatException>(() =>
            Load(Json(addedTokens: added.Append(']').ToString()), limits: new TokenizerLimits { MaxAddedTokenCharacters = 1000 }));
        Assert.Equal("crafted/tokenizer.json: $.added_tokens hold more than 1000 characters by $.added_tokens[5] (TokenizerLimits.MaxAddedTokenCharacters = 1000).", error.Message);
    }

    [Theory]
    [InlineData("""{"type": "Replace", "pattern": {"String": " "}, "content": "CONTENT"}""", "$.normalizer.content")]
    [InlineData("""{"type": "Prepend", "prepend": "CONTENT"}""", "$.normalizer.prepend")]
    public void A_normalizer_inserting_more_than_the_limit_is_refused(string normalizer, string field)
    {
        var error = Assert.Throws<TokenizerFormatException>(() =>
            Load(Json(normalizer: normalizer.Replace("CONTENT", new string('x', 300), StringComparison.Ordinal))));
        Assert.Equal($"crafted/tokenizer.json: {field} is 300 characters long (TokenizerLimits.MaxAddedTokenLength = 256).", error.Message);
    }

    [Fact]
    public void Only_words_shorter_than_256_bytes_are_cached()
    {
        // As tokenizers' MAX_LENGTH: 10,000 cached words of a megabyte each would hold 20 GB.
        var tokenizer = Load(Json());
        tokenizer.Encode(new string('a', 255));
        Assert.Equal(1, tokenizer.CachedWordCount);
        tokenizer.Encode(new string('b', 256));
        tokenizer.Encode(new string('c', 1_000_000));
        Assert.Equal(1, tokenizer.CachedWordCount);
    }

    [Fact]
    public void A_thread_lets_go_of_the_buffers_a_very_long_text_grew()
    {
        var tokenizer = Load(Json());
        tokenizer.Encode("short");
        Assert.True(Tokenizer.ThreadHoldsScratch);
        Assert.Equal(Tokenizer.ScratchKeepLength + 1, tokenizer.CountTokens(new string('x', Tokenizer.ScratchKeepLength + 1)));
        Assert.False(Tokenizer.ThreadHoldsScratch);
        Assert.Equal(['x', 256], tokenizer.Encode("xab"));
    }
}
