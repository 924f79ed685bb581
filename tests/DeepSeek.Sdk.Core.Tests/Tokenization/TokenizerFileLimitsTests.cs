using System.IO.Compression;
using System.Text;
using DeepSeek.Sdk.Tokenization;
using static DeepSeek.Sdk.Core.Tests.Tokenization.CraftedTokenizer;

namespace DeepSeek.Sdk.Core.Tests.Tokenization;

/// <summary>
/// Files are read within TokenizerLimits.MaxFileBytes (a file's length checked first, streams and gzip inflation
/// counted), and whatever their bytes hold, JSON or not, the answer is a one-line TokenizerFormatException naming
/// the file and the field.
/// </summary>
public sealed class TokenizerFileLimitsTests
{
    /// <summary>Gzip members of 16 MiB of zeros each, concatenated: <paramref name="members"/> * 16 MiB inflated from
    /// about 16 KB each (GZipStream reads concatenated members as one stream, as gzip(1) does).</summary>
    private static byte[] GzipBomb(int members)
    {
        var member = new MemoryStream();
        using (var gzip = new GZipStream(member, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 16; i++)
                gzip.Write(zeros);
        }
        var bomb = new MemoryStream();
        for (int i = 0; i < members; i++)
            bomb.Write(member.GetBuffer(), 0, (int)member.Length);
        return bomb.ToArray();
    }

    [Fact]
    public void A_gzip_bomb_inflating_to_2_GB_stops_at_the_file_limit()
    {
        byte[] bomb = GzipBomb(128);
        // The buffer doubles up to the limit, so at most twice the limit is ever allocated.
        var error = BoundedProbe.Throws<TokenizerFormatException>(
            () => Tokenizer.FromStreams(new MemoryStream(bomb), tokenizerJsonName: "bomb/tokenizer.json.gz"),
            allocationLimit: 2 * TokenizerLimits.DefaultMaxFileBytes + (8 << 20));
        Assert.Equal(
            "bomb/tokenizer.json.gz: inflates to more than 67108864 bytes, over the limit for a tokenizer file (TokenizerLimits.MaxFileBytes = 67108864).",
            error.Message);
    }

    [Fact]
    public async Task A_gzipped_file_on_disk_is_inflated_within_the_limit()
    {
        using var directory = new TempDirectory();
        File.WriteAllBytes(directory.File("tokenizer.json.gz"), GzipBomb(2));
        var limits = new TokenizerLimits { MaxFileBytes = 1 << 20 };
        var error = await ThrowsWithin<TokenizerFormatException>(() => Tokenizer.FromDirectory(directory.Path, limits));
        Assert.EndsWith("tokenizer.json.gz: inflates to more than 1048576 bytes, over the limit for a tokenizer file (TokenizerLimits.MaxFileBytes = 1048576).", error.Message);
    }

    [Fact]
    public void A_plain_file_larger_than_the_limit_is_refused_by_its_length_before_reading()
    {
        using var directory = new TempDirectory();
        string path = directory.File("tokenizer.json");
        using (var file = File.Create(path))
            file.SetLength(3 << 20);
        var error = Assert.Throws<TokenizerFormatException>(() => Tokenizer.FromFiles(path, limits: new TokenizerLimits { MaxFileBytes = 1 << 20 }));
        Assert.Equal($"{path}: is 3145728 bytes, over the limit for a tokenizer file (TokenizerLimits.MaxFileBytes = 1048576).", error.Message);
    }

    [Fact]
    public void A_stream_that_cannot_seek_is_counted_as_it_is_read()
    {
        var endless = new EndlessStream();
        var error = Assert.Throws<TokenizerFormatException>(() =>
            Tokenizer.FromStreams(endless, tokenizerJsonName: "pipe", limits: new TokenizerLimits { MaxFileBytes = 1 << 20 }));
        Assert.Equal("pipe: is more than 1048576 bytes, over the limit for a tokenizer file (TokenizerLimits.MaxFileBytes = 1048576).", error.Message);
        Assert.True(endless.Served <= (2 << 20), $"read {endless.Served} bytes");
    }

    [Fact]
    public void A_chat_template_jinja_larger_than_the_limit_is_refused_naming_the_file()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("tokenizer.json"), Json());
        File.WriteAllText(directory.File("chat_template.jinja"), new string('x', 100_000));
        var error = Assert.Throws<TokenizerFormatException>(() => Tokenizer.FromDirectory(directory.Path, new TokenizerLimits { MaxFileBytes = 65_536 }));
        Assert.Equal($"{directory.File("chat_template.jinja")}: is 100000 bytes, over the limit for a tokenizer file (TokenizerLimits.MaxFileBytes = 65536).", error.Message);
        Assert.Equal(100_000, Tokenizer.FromDirectory(directory.Path).ChatTemplateSource!.Length);
    }

    [Fact]
    public void A_tokenizer_config_larger_than_the_limit_is_refused_naming_the_file()
    {
        // Llama 3.1's tokenizer_config.json is 50,977 bytes.
        using var config = File.OpenRead(TokenizerFixtures.ConfigPath("llama3_1"));
        var error = Assert.Throws<TokenizerFormatException>(() => Tokenizer.FromStreams(
            new MemoryStream(Encoding.UTF8.GetBytes(Json())), config, limits: new TokenizerLimits { MaxFileBytes = 50_000 }));
        Assert.Equal("tokenizer_config.json: is 50977 bytes, over the limit for a tokenizer file (TokenizerLimits.MaxFileBytes = 50000).", error.Message);
    }

    [Fact]
    public void A_file_that_starts_like_gzip_but_is_not_is_refused()
    {
        var error = Assert.Throws<TokenizerFormatException>(() =>
            Tokenizer.FromStreams(new MemoryStream([0x1F, 0x8B, 0x08, 0x00, 0x01, 0x02]), tokenizerJsonName: "t.json.gz"));
        Assert.StartsWith("t.json.gz: ", error.Message);
    }

    [Theory]
    [InlineData(10, false)]
    [InlineData(100_000, true)]
    public void Json_nested_deeper_than_64_levels_is_refused_as_invalid_json(int depth, bool refused)
    {
        string nested = new string('[', depth) + new string(']', depth);
        string json = Json().Replace("\"added_tokens\": []", $"\"extra\": {nested}, \"added_tokens\": []", StringComparison.Ordinal);
        var error = Record.Exception(() => Load(json));
        var config = Record.Exception(() => Load(Json(), $"{{\"extra\": {nested}}}"));
        if (!refused)
        {
            Assert.Null(error);
            Assert.Null(config);
            return;
        }
        Assert.StartsWith("crafted/tokenizer.json: not valid JSON (The maximum configured depth of 64 has been exceeded.", Assert.IsType<TokenizerFormatException>(error).Message);
        Assert.StartsWith("crafted/tokenizer_config.json: not valid JSON (The maximum configured depth of 64 has been exceeded.", Assert.IsType<TokenizerFormatException>(config).Message);
    }

    [Fact]
    public void Invalid_UTF8_in_a_vocabulary_token_is_refused_naming_the_vocabulary()
    {
        byte[] json = Encoding.UTF8.GetBytes(Json(vocab: $$"""{{{ByteVocabulary()}}, "ab": 256, "Z@": 257}"""));
        json[json.AsSpan().IndexOf("\"Z@\""u8) + 2] = 0xFF;
        var error = Assert.Throws<TokenizerFormatException>(() => Tokenizer.FromStreams(new MemoryStream(json), tokenizerJsonName: "utf8.json"));
        Assert.StartsWith("utf8.json: $.model.vocab has a key that is not valid Unicode text", error.Message);
    }

    [Theory]
    [InlineData("""{"Zq\ud800": 257}""", "$.model.vocab has a key that is not valid Unicode text")]
    [InlineData("""{"Zq\ud83d\ude00": 257}""", null)]
    public void A_lone_surrogate_escape_in_a_vocabulary_token_is_refused(string extra, string? expected)
    {
        string json = Json(vocab: $$"""{{{ByteVocabulary()}}, "ab": 256, {{extra[1..^1]}}}""");
        var error = Record.Exception(() => Load(json));
        if (expected is null)
            Assert.Null(error);
        else
            Assert.Contains(expected, Assert.IsType<TokenizerFormatException>(error).Message);
    }

    [Theory]
    [InlineData("""[{"id": 300, "content": "<\ud800>"}]""", "$.added_tokens[0].content is not valid Unicode text")]
    [InlineData("""[["a", "b"]]""", "$.added_tokens[0] must be an object")]
    public void Malformed_added_tokens_are_refused_naming_the_token(string added, string expected)
    {
        var error = Assert.Throws<TokenizerFormatException>(() => Load(Json(addedTokens: added)));
        Assert.Contains($"crafted/tokenizer.json: {expected}", error.Message);
    }

    [Theory]
    [InlineData("""{"chat_template": "\udc00"}""", "crafted/tokenizer_config.json: $.chat_template is not valid Unicode text")]
    [InlineData("""{"bos_token": 5}""", "crafted/tokenizer_config.json: $.bos_token must be a string, null or an AddedToken object, found Number.")]
    [InlineData("""{"eos_token": {"content": "\udc00"}}""", "crafted/tokenizer_config.json: $.eos_token.content is not valid Unicode text")]
    public void Malformed_config_fields_are_refused_naming_the_field(string config, string expected)
    {
        var error = Assert.Throws<TokenizerFormatException>(() => Load(Json(), config));
        Assert.StartsWith(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Messages_quote_file_text_on_one_line_and_cut_it_short()
    {
        string type = "Bert\nNormalizer" + new string('x', 500);
        var error = Assert.Throws<TokenizerFormatException>(() =>
            Load(Json(normalizer: $$"""{"type": {{System.Text.Json.JsonSerializer.Serialize(type)}}}""")));
        Assert.StartsWith("crafted/tokenizer.json: $.normalizer.type \"Bert\\nNormalizerxxx", error.Message);
        Assert.Contains("(515 characters) is not a supported normalizer.", error.Message);
        Assert.True(error.Message.Length < 200);
    }

    [Fact]
    public void Invalid_limits_are_refused_naming_the_option()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Tokenizer.FromStreams(new MemoryStream(), limits: new TokenizerLimits { MaxVocabularySize = 0 }));
        Assert.Equal("TokenizerLimits.MaxVocabularySize", error.ParamName);
        var timeout = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Tokenizer.FromStreams(new MemoryStream(), limits: new TokenizerLimits { RegexMatchTimeout = TimeSpan.Zero }));
        Assert.Equal("TokenizerLimits.RegexMatchTimeout", timeout.ParamName);
    }

    /// <summary>A pipe that never ends, such as /dev/zero behind a symbolic link named tokenizer.json.</summary>
    private sealed class EndlessStream : Stream
    {
        public long Served { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Fill(buffer, (byte)' ', offset, count);
            Served += count;
            return count;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
