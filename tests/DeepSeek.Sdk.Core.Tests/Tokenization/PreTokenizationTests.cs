namespace DeepSeek.Sdk.Core.Tests.Tokenization;

/// <summary>
/// The split patterns must see code points, as Oniguruma does in tokenizers, not UTF-16 units.
/// Expected pre-tokens were produced with Python's `regex` module (code-point semantics) on the
/// Llama 3 pattern from llama3_1.tokenizer.json.
/// </summary>
public sealed class PreTokenizationTests
{
    [Fact]
    public void Astral_letters_digits_and_emoji_split_as_whole_code_points()
    {
        var llama = TokenizerFixtures.Load("llama3_1");
        string text = "x\U0001D400y \U0001F600\U0001F600 \U00020000\U00020001 a\U0001D7CE\U0001D7CF\U0001D7D0\U0001D7D1";
        Assert.Equal(
            ["x\U0001D400y", " \U0001F600\U0001F600", " \U00020000\U00020001", " a", "\U0001D7CE\U0001D7CF\U0001D7D0", "\U0001D7D1"],
            llama.PreTokenize(text));
    }

    [Fact]
    public void Trailing_whitespace_run_leaves_its_last_space_to_the_next_word()
    {
        // \s+(?!\S) stops one short of a word so that the word keeps its leading space.
        var llama = TokenizerFixtures.Load("llama3_1");
        Assert.Equal(["   ", " x", "  "], llama.PreTokenize("    x  "));
    }

    [Fact]
    public void DeepSeek_isolates_digit_triples_and_CJK_runs_before_the_word_pattern()
    {
        var deepseek = TokenizerFixtures.Load("deepseek_v3");
        Assert.Equal(["abc", " ", "123", "45", " ", "中文字", "ok"], deepseek.PreTokenize("abc 12345 中文字ok"));
    }
}
