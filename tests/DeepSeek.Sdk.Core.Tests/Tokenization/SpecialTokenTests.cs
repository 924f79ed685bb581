namespace DeepSeek.Sdk.Core.Tests.Tokenization;

/// <summary>BOS/EOS policy, special tokens from tokenizer_config.json, and added tokens inside text.</summary>
public sealed class SpecialTokenTests
{
    [Fact]
    public void DeepSeek_V3_adds_BOS_because_its_config_says_add_bos_token()
    {
        var tokenizer = TokenizerFixtures.Load("deepseek_v3");
        Assert.Equal("<｜begin▁of▁sentence｜>", tokenizer.BosToken);
        Assert.Equal(0, tokenizer.BosId);
        Assert.Equal(1, tokenizer.EosId);
        Assert.Equal("<｜end▁of▁sentence｜>", tokenizer.PadToken);
        int[] plain = tokenizer.Encode("Hello world");
        Assert.Equal([0, .. plain], tokenizer.Encode("Hello world", addSpecialTokens: true));
    }

    [Fact]
    public void Llama_3_adds_BOS_through_its_TemplateProcessing_post_processor()
    {
        var tokenizer = TokenizerFixtures.Load("llama3_1");
        Assert.Equal(128000, tokenizer.BosId);
        Assert.Equal("<|eot_id|>", tokenizer.EosToken);
        Assert.Equal(128009, tokenizer.EosId);
        Assert.Equal([128000], tokenizer.SpecialTokensBefore);
        Assert.Empty(tokenizer.SpecialTokensAfter);
        Assert.Equal([128000, 9906, 1917], tokenizer.Encode("Hello world", addSpecialTokens: true));
    }

    [Fact]
    public void Qwen3_adds_nothing_and_has_no_BOS()
    {
        var tokenizer = TokenizerFixtures.Load("qwen3");
        Assert.Null(tokenizer.BosToken);
        Assert.Null(tokenizer.BosId);
        Assert.Equal(151645, tokenizer.EosId);
        Assert.Equal(151643, tokenizer.PadId);
        Assert.Equal(tokenizer.Encode("Hello world"), tokenizer.Encode("Hello world", addSpecialTokens: true));
    }

    [Fact]
    public void Added_tokens_inside_text_are_matched_longest_first_and_decode_back()
    {
        var tokenizer = TokenizerFixtures.Load("deepseek_v3");
        int user = tokenizer.TokenToId("<｜User｜>")!.Value;
        int assistant = tokenizer.TokenToId("<｜Assistant｜>")!.Value;
        int[] ids = tokenizer.Encode("<｜User｜>Hi<｜Assistant｜>");
        Assert.Equal(user, ids[0]);
        Assert.Equal(assistant, ids[^1]);
        Assert.Equal(tokenizer.Encode("Hi"), ids[1..^1]);
        Assert.Equal("<｜User｜>Hi<｜Assistant｜>", tokenizer.Decode(ids));
    }

    [Fact]
    public void Skipping_special_tokens_drops_special_added_tokens_but_keeps_non_special_ones()
    {
        // In Qwen3, <|im_start|> is special while <think> is an added token that is not.
        var tokenizer = TokenizerFixtures.Load("qwen3");
        int[] ids = tokenizer.Encode("<|im_start|>assistant\n<think>\nok</think><|im_end|>");
        Assert.Equal(151644, ids[0]);
        Assert.Contains(151667, ids);
        Assert.Equal("assistant\n<think>\nok</think>", tokenizer.Decode(ids, skipSpecialTokens: true));
        Assert.Equal("<|im_start|>assistant\n<think>\nok</think><|im_end|>", tokenizer.Decode(ids));
    }

    [Fact]
    public void A_partial_added_token_is_ordinary_text()
    {
        var tokenizer = TokenizerFixtures.Load("qwen3");
        int[] ids = tokenizer.Encode("<|im_sta");
        Assert.DoesNotContain(151644, ids);
        Assert.Equal("<|im_sta", tokenizer.Decode(ids));
    }

    [Theory]
    [MemberData(nameof(TokenizerFixtures.TokenizerNames), MemberType = typeof(TokenizerFixtures))]
    public void Ids_and_tokens_map_both_ways_and_counts_agree_with_encode(string name)
    {
        var tokenizer = TokenizerFixtures.Load(name);
        foreach (var added in tokenizer.AddedTokens)
        {
            Assert.Equal(added.Id, tokenizer.TokenToId(added.Content));
            Assert.Equal(added.Content, tokenizer.IdToToken(added.Id));
        }
        Assert.Null(tokenizer.IdToToken(tokenizer.VocabularySize));
        Assert.Null(tokenizer.TokenToId("not a token at all, surely"));
        const string text = "Counting tokens: 12345 and 中文 😀";
        Assert.Equal(tokenizer.Encode(text).Length, tokenizer.CountTokens(text));
        var list = new List<int> { -7 };
        tokenizer.EncodeToList(text, list, addSpecialTokens: true);
        Assert.Equal([-7, .. tokenizer.Encode(text, addSpecialTokens: true)], list);
    }

    [Fact]
    public void Vocabulary_sizes_cover_model_and_added_tokens()
    {
        Assert.Equal(128815, TokenizerFixtures.Load("deepseek_v3").VocabularySize);
        Assert.Equal(151669, TokenizerFixtures.Load("qwen3").VocabularySize);
        Assert.Equal(128256, TokenizerFixtures.Load("llama3_1").VocabularySize);
    }

    [Theory]
    [MemberData(nameof(TokenizerFixtures.TokenizerNames), MemberType = typeof(TokenizerFixtures))]
    public void The_chat_template_source_is_exposed_verbatim(string name)
    {
        var tokenizer = TokenizerFixtures.Load(name);
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(TokenizerFixtures.ConfigPath(name)));
        Assert.Equal(config.RootElement.GetProperty("chat_template").GetString(), tokenizer.ChatTemplateSource);
    }
}
