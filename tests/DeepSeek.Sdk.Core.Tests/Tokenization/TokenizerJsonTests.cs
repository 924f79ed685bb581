using System.Text;
using System.Text.Json;
using DeepSeek.Sdk.Tokenization;

namespace DeepSeek.Sdk.Core.Tests.Tokenization;

/// <summary>
/// Small hand-written tokenizer.json files: merge spellings, ignore_merges, split behaviors as
/// documented in tokenizers (pre_tokenizers/split.rs tests on "the-final--countdown"), and strict
/// rejection of what we do not implement.
/// </summary>
public sealed class TokenizerJsonTests
{
    private const string ByteLevelOnly = """{"type": "ByteLevel", "add_prefix_space": false, "use_regex": false}""";

    [Fact]
    public void Merges_written_as_strings_or_pairs_merge_identically_by_rank()
    {
        var legacy = Build(merges: """["a b", "ab c"]""");
        var pairs = Build(merges: """[["a", "b"], ["ab", "c"]]""");
        foreach (var tokenizer in new[] { legacy, pairs })
        {
            Assert.Equal([257], tokenizer.Encode("abc"));
            Assert.Equal([256, 'b', 'c'], tokenizer.Encode("abbc"));
        }
    }

    [Fact]
    public void Ignore_merges_maps_a_whole_vocabulary_word_directly()
    {
        // "bc" is in the vocabulary but no merge builds it.
        Assert.Equal(['b', 'c'], Build(merges: """["a b"]""").Encode("bc"));
        Assert.Equal([258], Build(merges: """["a b"]""", ignoreMerges: true).Encode("bc"));
    }

    [Theory]
    [InlineData("Removed", new[] { "the", "final", "countdown" })]
    [InlineData("Isolated", new[] { "the", "-", "final", "-", "-", "countdown" })]
    [InlineData("MergedWithPrevious", new[] { "the-", "final-", "-", "countdown" })]
    [InlineData("MergedWithNext", new[] { "the", "-final", "-", "-countdown" })]
    [InlineData("Contiguous", new[] { "the", "-", "final", "--", "countdown" })]
    public void Split_behaviors_fold_delimiters_as_tokenizers_does(string behavior, string[] expected)
    {
        var tokenizer = Build(preTokenizers: $$"""{"type": "Split", "pattern": {"String": "-"}, "behavior": "{{behavior}}", "invert": false}, {{ByteLevelOnly}}""");
        Assert.Equal(expected, tokenizer.PreTokenize("the-final--countdown"));
    }

    [Fact]
    public void Inverted_split_treats_the_gaps_as_delimiters()
    {
        var tokenizer = Build(preTokenizers: $$"""{"type": "Split", "pattern": {"Regex": "\\s+"}, "behavior": "Removed", "invert": true}, {{ByteLevelOnly}}""");
        Assert.Equal([" ", "  "], tokenizer.PreTokenize("a b  c"));
    }

    [Theory]
    [InlineData(true, new[] { "a", "1", "2", "b" })]
    [InlineData(false, new[] { "a", "12", "b" })]
    public void Digits_split_individually_or_in_runs(bool individual, string[] expected)
    {
        var tokenizer = Build(preTokenizers: $$"""{"type": "Digits", "individual_digits": {{(individual ? "true" : "false")}}}, {{ByteLevelOnly}}""");
        Assert.Equal(expected, tokenizer.PreTokenize("a12b"));
    }

    [Fact]
    public void ByteLevel_with_prefix_space_and_GPT2_regex_prefixes_the_first_word()
    {
        var tokenizer = Build(preTokenizers: """{"type": "ByteLevel", "add_prefix_space": true, "use_regex": true}""");
        Assert.Equal([" hello", " world", "'s"], tokenizer.PreTokenize("hello world's"));
        Assert.Equal([" ", " x"], tokenizer.PreTokenize("  x"));
    }

    [Fact]
    public void Added_tokens_with_strip_and_single_word_flags_follow_added_vocabulary_rules()
    {
        const string added = """
            [{"id": 300, "content": "<m>", "special": true, "lstrip": true, "rstrip": true, "normalized": false, "single_word": false},
             {"id": 301, "content": "ab", "special": false, "lstrip": false, "rstrip": false, "normalized": false, "single_word": true}]
            """;
        var tokenizer = Build(addedTokens: added);
        // lstrip/rstrip swallow the spaces around <m>; "ab" glued to "x" is not a single word.
        Assert.Equal(['x', 300, 'y'], tokenizer.Encode("x  <m>  y"));
        Assert.Equal([301, ' ', 'x', 'a', 'b'], tokenizer.Encode("ab xab"));
    }

    [Theory]
    [InlineData("""{"version": "1.0"}""", "$.model")]
    [InlineData("""{"model": {"type": "WordPiece", "vocab": {}}}""", "WordPiece")]
    [InlineData("""{"normalizer": {"type": "BertNormalizer"}, "model": {"type": "BPE", "vocab": {}, "merges": []}}""", "BertNormalizer")]
    [InlineData("""{"pre_tokenizer": {"type": "ByteLevel"}, "model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a zz"]}}""", "merges[0]")]
    [InlineData("""{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}""", "not valid JSON")]
    public void Malformed_or_unsupported_files_are_rejected_naming_the_field(string json, string expectedInMessage)
    {
        var error = Assert.Throws<TokenizerFormatException>(() =>
            Tokenizer.FromStreams(new MemoryStream(Encoding.UTF8.GetBytes(json)), tokenizerJsonName: "bad.json"));
        Assert.Contains("bad.json", error.Message);
        Assert.Contains(expectedInMessage, error.Message);
    }

    [Fact]
    public void A_vocabulary_missing_byte_tokens_is_not_byte_level_and_is_rejected()
    {
        string json = $$$"""{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "pre_tokenizer": {{{ByteLevelOnly}}}}""";
        var error = Assert.Throws<TokenizerFormatException>(() => Tokenizer.FromStreams(new MemoryStream(Encoding.UTF8.GetBytes(json))));
        Assert.Contains("byte-level", error.Message);
    }

    /// <summary>A vocabulary of the 256 byte tokens (id = byte value), then "ab" 256, "abc" 257, "bc" 258.</summary>
    private static Tokenizer Build(string merges = "[]", bool ignoreMerges = false, string preTokenizers = ByteLevelOnly, string addedTokens = "[]")
    {
        var vocab = new Dictionary<string, int>();
        for (int b = 0; b < 256; b++)
            vocab[ByteLevelAlphabet.ByteToChar[b].ToString()] = b;
        vocab["ab"] = 256;
        vocab["abc"] = 257;
        vocab["bc"] = 258;
        string json = $$"""
            {"added_tokens": {{addedTokens}},
             "normalizer": null,
             "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{{preTokenizers}}]},
             "post_processor": null,
             "decoder": {"type": "ByteLevel"},
             "model": {"type": "BPE", "ignore_merges": {{(ignoreMerges ? "true" : "false")}}, "vocab": {{JsonSerializer.Serialize(vocab)}}, "merges": {{merges}} } }
            """;
        return Tokenizer.FromStreams(new MemoryStream(Encoding.UTF8.GetBytes(json)));
    }
}
