using DeepSeek.Sdk.Tokenization;
using static DeepSeek.Sdk.Core.Tests.Tokenization.CraftedTokenizer;

namespace DeepSeek.Sdk.Core.Tests.Tokenization;

/// <summary>
/// Ids in a stranger's tokenizer.json size the id tables, so each is checked before anything is allocated: an
/// integer in [0, TokenizerLimits.MaxVocabularySize), never shared by two vocabulary tokens or two added tokens.
/// Decoding ids outside the id space skips them, as tokenizers' decode does, and never indexes out of range.
/// </summary>
public sealed class TokenizerIdBoundsTests
{
    private static string Vocab(string extra) => $$"""{{{ByteVocabulary()}}, "ab": 256{{extra}}}""";

    private static string Added(string id) =>
        $$"""[{"id": {{id}}, "content": "<x>", "special": true, "lstrip": false, "rstrip": false, "normalized": false, "single_word": false}]""";

    [Theory]
    [InlineData("2147483647")]
    [InlineData("1000000000")]
    [InlineData("1048576")]
    public void A_vocabulary_id_beyond_the_id_space_is_refused_before_the_tables_are_allocated(string id)
    {
        var error = BoundedProbe.Throws<TokenizerFormatException>(() => Load(Json(vocab: Vocab($$""", "zz": {{id}}"""))));
        Assert.Equal(
            $"crafted/tokenizer.json: $.model.vocab.zz is id {id}, beyond the id space (TokenizerLimits.MaxVocabularySize = 1048576).",
            error.Message);
    }

    [Theory]
    [InlineData("2147483647")]
    [InlineData("1000000000")]
    public void An_added_token_id_beyond_the_id_space_is_refused_without_allocating_its_tables(string id)
    {
        // Before the check, 2^31 - 1 overflowed to IndexOutOfRangeException and 10^9 reserved about 17 GB.
        var error = BoundedProbe.Throws<TokenizerFormatException>(() => Load(Json(addedTokens: Added(id))));
        Assert.Equal(
            $"crafted/tokenizer.json: $.added_tokens[0].id is id {id}, beyond the id space (TokenizerLimits.MaxVocabularySize = 1048576).",
            error.Message);
    }

    [Fact]
    public void Ids_up_to_the_limit_load_and_a_raised_limit_admits_more()
    {
        var tokenizer = Load(Json(addedTokens: Added("1048575")));
        Assert.Equal(1_048_576, tokenizer.VocabularySize);
        Assert.Equal([1_048_575], tokenizer.Encode("<x>"));
        var raised = Load(Json(addedTokens: Added("2000000")), limits: new TokenizerLimits { MaxVocabularySize = 2_000_001 });
        Assert.Equal("<x>", raised.Decode([2_000_000]));
    }

    [Theory]
    [InlineData("-1", "must be a non-negative integer id, found \"-1\"")]
    [InlineData("1.5", "must be a non-negative integer id, found \"1.5\"")]
    [InlineData("1e3", "must be a non-negative integer id, found \"1e3\"")]
    [InlineData("\"7\"", "must be a non-negative integer id, found \"\\\"7\\\"\"")]
    [InlineData("99999999999999999999", "must be a non-negative integer id")]
    public void Ids_that_are_not_non_negative_integers_are_refused_naming_the_token(string id, string expected)
    {
        var error = Assert.Throws<TokenizerFormatException>(() => Load(Json(vocab: Vocab($$""", "zz": {{id}}"""))));
        Assert.Contains($"crafted/tokenizer.json: $.model.vocab.zz {expected}", error.Message);
        var added = Assert.Throws<TokenizerFormatException>(() => Load(Json(addedTokens: Added(id))));
        Assert.Contains($"crafted/tokenizer.json: $.added_tokens[0].id {expected}", added.Message);
    }

    [Fact]
    public void Two_vocabulary_tokens_with_one_id_are_refused()
    {
        var error = Assert.Throws<TokenizerFormatException>(() => Load(Json(vocab: Vocab(""", "zz": 256"""))));
        Assert.Contains("has id 256, which another token of the vocabulary has too", error.Message);
    }

    [Fact]
    public void A_vocabulary_token_written_twice_is_refused()
    {
        var error = Assert.Throws<TokenizerFormatException>(() => Load(Json(vocab: Vocab(""", "zz": 257, "zz": 258"""))));
        Assert.Contains("crafted/tokenizer.json: $.model.vocab.zz appears twice.", error.Message);
    }

    [Fact]
    public void Two_added_tokens_with_one_id_are_refused()
    {
        const string added = """[{"id": 300, "content": "<x>"}, {"id": 300, "content": "<y>"}]""";
        var error = Assert.Throws<TokenizerFormatException>(() => Load(Json(addedTokens: added)));
        Assert.Contains("crafted/tokenizer.json: $.added_tokens[1].id 300 is already the id of $.added_tokens[0].", error.Message);
    }

    [Fact]
    public void An_added_token_may_share_the_id_of_the_vocabulary_token_it_names()
    {
        // DeepSeek-V3 lists <｜begin▁of▁sentence｜> (id 0) both in its vocabulary and as an added token.
        var tokenizer = Load(Json(vocab: Vocab(""", "<s>": 257"""), addedTokens: """[{"id": 257, "content": "<s>", "special": true}]"""));
        Assert.Equal([257], tokenizer.Encode("<s>"));
    }

    [Theory]
    [InlineData("[2147483647]", "adds id 2147483647")]
    [InlineData("[5000]", "adds id 5000")]
    [InlineData("[\"x\"]", "holds \"\\\"x\\\"\", which is not an id")]
    public void A_post_processor_id_that_names_no_token_is_refused(string ids, string expected)
    {
        string post = $$"""
            {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0} }, {"Sequence": {"id": "A", "type_id": 0} }],
             "special_tokens": {"<s>": {"id": "<s>", "ids": {{ids}}, "tokens": ["<s>"]} } }
            """;
        var error = Assert.Throws<TokenizerFormatException>(() => Load(Json(postProcessor: post)));
        Assert.Contains("crafted/tokenizer.json: $.post_processor", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Decoding_ids_outside_the_id_space_skips_them_without_indexing_out_of_range()
    {
        var tokenizer = Load(Json());
        int[] ids = [int.MaxValue, -1, int.MinValue, tokenizer.VocabularySize, 'a', 256];
        Assert.Equal("aab", tokenizer.Decode(ids));
        Assert.Equal("aab", tokenizer.Decode(ids, skipSpecialTokens: true));
        var stream = tokenizer.CreateStreamingDetokenizer(skipSpecialTokens: true);
        var streamed = new System.Text.StringBuilder();
        foreach (int id in ids)
            streamed.Append(stream.Push(id));
        Assert.Equal("aab", streamed.Append(stream.Flush()).ToString());
        Assert.Null(tokenizer.IdToToken(int.MaxValue));
        Assert.False(tokenizer.IsSpecialToken(-1));
    }
}
