using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DeepSeek.Sdk.Tokenization;
using static DeepSeek.Sdk.Core.Tests.Tokenization.CraftedTokenizer;

namespace DeepSeek.Sdk.Core.Tests.Tokenization;

/// <summary>
/// Split and Replace patterns from a stranger's tokenizer.json cannot hang encoding: patterns the non-backtracking
/// engine accepts run in linear time, the others stop at TokenizerLimits.RegexMatchTimeout with an error naming the
/// file, the field and the pattern; and the engine choice never changes a split.
/// </summary>
public sealed class TokenizerPatternSafetyTests
{
    private const string Forty = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!";

    private static string Split(string regex) =>
        $$"""{"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex": {{JsonSerializer.Serialize(regex)}}}, "behavior": "Isolated", "invert": false}, {{ByteLevelOnly}}]}""";

    [Fact]
    public async Task Exponential_split_pattern_runs_in_linear_time_on_the_non_backtracking_engine()
    {
        // (a+)+$ on 39 a's and a '!' takes 2^39 steps on a backtracking engine.
        var tokenizer = Load(Json(preTokenizer: Split("(a+)+$")));
        var (pieces, _, _) = await Measure(() => tokenizer.PreTokenize(Forty + "aaa"));
        Assert.Equal([Forty, "aaa"], pieces);
        var (ids, _, _) = await Measure(() => tokenizer.Encode(Forty));
        Assert.Equal(Forty.Length, ids.Length);
    }

    [Fact]
    public async Task Exponential_split_pattern_with_a_lookahead_stops_at_the_match_timeout_naming_file_field_and_pattern()
    {
        // The lookahead keeps the pattern off the non-backtracking engine.
        var limits = new TokenizerLimits { RegexMatchTimeout = TimeSpan.FromMilliseconds(200) };
        var tokenizer = Load(Json(preTokenizer: Split("(a+)+(?!x)$")), limits: limits);
        var error = await ThrowsWithin<TokenizerFormatException>(() => tokenizer.Encode(Forty));
        Assert.Contains("crafted/tokenizer.json: $.pre_tokenizer.pretokenizers[0].pattern \"(a+)+(?!x)$\"", error.Message);
        Assert.Contains("40-character", error.Message);
        Assert.Contains("TokenizerLimits.RegexMatchTimeout = 00:00:00.2000000", error.Message);
        Assert.IsType<RegexMatchTimeoutException>(error.InnerException);
    }

    [Fact]
    public async Task With_default_limits_a_catastrophic_pattern_fails_within_about_a_second()
    {
        var tokenizer = Load(Json(preTokenizer: Split("(a+)+(?!x)$")));
        var (result, elapsed, _) = await Measure(() => Record.Exception(() => tokenizer.Encode(Forty)));
        Assert.IsType<RegexMatchTimeoutException>(Assert.IsType<TokenizerFormatException>(result).InnerException);
        // The regex engine reads a coarse clock (Environment.TickCount64, ~15 ms steps), so its timeout can fire a
        // little before the full second by the test's Stopwatch (0.997 s was seen in CI).
        Assert.True(elapsed >= 0.9 * TokenizerLimits.Default.RegexMatchTimeout, $"stopped after {elapsed}");
    }

    [Fact]
    public async Task Catastrophic_replace_normalizer_stops_at_the_match_timeout_naming_its_field()
    {
        var limits = new TokenizerLimits { RegexMatchTimeout = TimeSpan.FromMilliseconds(200) };
        string normalizer = """{"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "Replace", "pattern": {"Regex": "(a+)+(?!x)$"}, "content": "b"}]}""";
        var tokenizer = Load(Json(normalizer: normalizer), limits: limits);
        var error = await ThrowsWithin<TokenizerFormatException>(() => tokenizer.Encode(Forty));
        Assert.Contains("crafted/tokenizer.json: $.normalizer.normalizers[1].pattern", error.Message);
    }

    [Theory]
    [InlineData(@"\p{N}{1,3}", true)]
    [InlineData("[一-龥぀-ゟ゠-ヿ]+", true)]
    [InlineData(@"[\]a-z]*", true)]
    [InlineData(@"\p{N}{2,}", false)]
    [InlineData(@"(a+)+$", false)]
    [InlineData(@"[a-z-[aeiou]]+", false)]
    [InlineData(@"\p{L}+?", false)]
    public void Only_one_class_under_a_quantifier_of_minimum_one_counts_as_unable_to_backtrack(string pattern, bool expected) =>
        Assert.Equal(expected, TokenizerPattern.IsSingleClassLoop(pattern));

    /// <summary>
    /// Every pattern of the fixture tokenizers, and each published pattern with its lookahead alternative dropped
    /// (which the non-backtracking engine accepts, and whose contractions test leftmost-first against
    /// leftmost-longest: "'sa" must split as "'s" then "a"), matches identically on both engines over the
    /// reference texts and seeded random text.
    /// </summary>
    [Fact]
    public void Non_backtracking_engine_matches_exactly_like_the_backtracking_engine_on_every_published_pattern()
    {
        var patterns = new List<string>();
        foreach (string name in TokenizerFixtures.Names)
        {
            using var gzip = new GZipStream(File.OpenRead(TokenizerFixtures.JsonPath(name)), CompressionMode.Decompress);
            using var document = JsonDocument.Parse(gzip);
            CollectPatterns(document.RootElement, patterns);
        }
        Assert.True(patterns.Count >= 5, $"found only {patterns.Count} patterns");
        foreach (string pattern in patterns.ToArray())
            if (pattern.Contains(@"|\s+(?!\S)", StringComparison.Ordinal))
                patterns.Add(pattern.Replace(@"|\s+(?!\S)", "", StringComparison.Ordinal));

        var texts = new List<string>(TokenizerFixtures.Reference.Texts) { "'sa 'LL 'dd it's", "  \r\n\t x  \n\n y", "abc1234567 中文カナ" };
        var random = new Random(15);
        const string alphabet = "aZé中カ1٣ '\"\r\n\t -_.!?😀\u0301";
        for (int i = 0; i < 200; i++)
        {
            var builder = new StringBuilder();
            for (int j = random.Next(60); j > 0; j--)
                builder.Append(alphabet[random.Next(alphabet.Length)]);
            texts.Add(builder.ToString());
        }

        int compared = 0;
        foreach (string pattern in patterns)
        {
            Regex nonBacktracking;
            try
            {
                nonBacktracking = new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
            }
            catch (NotSupportedException)
            {
                continue;
            }
            var backtracking = new Regex(pattern, RegexOptions.CultureInvariant);
            foreach (string text in texts)
                Assert.True(Matches(backtracking, text) == Matches(nonBacktracking, text), $"{pattern} on {ReferenceEncodingTests.Escape(text)}");
            compared++;
        }
        Assert.True(compared >= 4, $"only {compared} patterns ran on both engines");
    }

    [Fact]
    public void A_pattern_too_large_for_the_non_backtracking_automaton_falls_back_and_still_splits()
    {
        // (a{100}){100} unrolls past the automaton's 10,000-node limit.
        var tokenizer = Load(Json(preTokenizer: Split("(?:a{100}){2}")));
        Assert.Equal(["x", new string('a', 200), "y"], tokenizer.PreTokenize("x" + new string('a', 200) + "y"));
        Assert.NotNull(Load(Json(preTokenizer: Split("(?:a{100}){100}"))));
    }

    [Fact]
    public void A_pattern_longer_than_the_limit_is_refused_before_compiling()
    {
        var error = Assert.Throws<TokenizerFormatException>(() => Load(Json(preTokenizer: Split(new string('a', 5000)))));
        Assert.Contains("crafted/tokenizer.json: $.pre_tokenizer.pretokenizers[0].pattern is 5000 characters long (TokenizerLimits.MaxPatternLength = 4096)", error.Message);
    }

    [Fact]
    public void A_pattern_dotnet_cannot_compile_is_refused_naming_its_field()
    {
        var error = Assert.Throws<TokenizerFormatException>(() => Load(Json(preTokenizer: Split("(a"))));
        Assert.Contains("$.pre_tokenizer.pretokenizers[0].pattern is not a pattern .NET can compile", error.Message);
    }

    [Fact]
    public async Task Thousands_of_pipeline_steps_are_refused_before_compiling_their_patterns()
    {
        var steps = string.Join(", ", Enumerable.Range(0, 5000).Select(i => $$"""{"type": "Split", "pattern": {"Regex": "x{{i}}"}, "behavior": "Isolated"}"""));
        string json = Json(preTokenizer: $$"""{"type": "Sequence", "pretokenizers": [{{steps}}, {{ByteLevelOnly}}]}""");
        var error = await ThrowsWithin<TokenizerFormatException>(() => Load(json));
        Assert.Contains("$.pre_tokenizer.pretokenizers[63] is one normalizer, pre-tokenizer or post-processor too many (TokenizerLimits.MaxPipelineSteps = 64)", error.Message);
    }

    private static string Matches(Regex regex, string text)
    {
        var builder = new StringBuilder();
        foreach (var match in regex.EnumerateMatches(text))
            builder.Append(match.Index).Append(':').Append(match.Length).Append(' ');
        return builder.ToString();
    }

    private static void CollectPatterns(JsonElement element, List<string> patterns)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name == "pattern" && property.Value.ValueKind == JsonValueKind.Object
                    && property.Value.TryGetProperty("Regex", out var regex))
                    patterns.Add(regex.GetString()!);
                else if (property.Name is not ("vocab" or "merges"))
                    CollectPatterns(property.Value, patterns);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
                CollectPatterns(item, patterns);
        }
    }
}
