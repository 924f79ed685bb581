using DeepSeek.Sdk.Tokenization;
using static DeepSeek.Sdk.Core.Tests.Tokenization.CraftedTokenizer;

namespace DeepSeek.Sdk.Core.Tests.Tokenization;

/// <summary>
/// tokenizer_config.json's add_bos_token / add_eos_token must name a token the tokenizer has: otherwise prompts
/// would silently lack the token the model was trained to see. Special tokens that are never added may be unknown.
/// </summary>
public sealed class TokenizerConfigSafetyTests
{
    private const string Added = """[{"id": 300, "content": "<s>", "special": true}, {"id": 301, "content": "</s>", "special": true}]""";

    [Theory]
    [InlineData("""{"add_bos_token": true, "bos_token": "<bos>"}""", "$.bos_token \"<bos>\" is not a token of crafted/tokenizer.json, and $.add_bos_token asks to add it.")]
    [InlineData("""{"add_bos_token": true, "bos_token": {"__type": "AddedToken", "content": "<bos>"}}""", "$.bos_token \"<bos>\" is not a token of crafted/tokenizer.json, and $.add_bos_token asks to add it.")]
    [InlineData("""{"add_bos_token": true}""", "$.add_bos_token is true but $.bos_token is null or missing.")]
    [InlineData("""{"add_bos_token": true, "bos_token": null}""", "$.add_bos_token is true but $.bos_token is null or missing.")]
    [InlineData("""{"add_eos_token": true, "eos_token": "<eos>"}""", "$.eos_token \"<eos>\" is not a token of crafted/tokenizer.json, and $.add_eos_token asks to add it.")]
    [InlineData("""{"add_bos_token": false, "add_eos_token": true}""", "$.add_eos_token is true but $.eos_token is null or missing.")]
    public void Adding_a_special_token_the_tokenizer_lacks_is_refused_naming_the_config_field(string config, string expected)
    {
        var error = Assert.Throws<TokenizerFormatException>(() => Load(Json(addedTokens: Added), config));
        Assert.Equal($"crafted/tokenizer_config.json: {expected}", error.Message);
    }

    [Fact]
    public void Added_special_tokens_that_exist_are_put_around_the_text()
    {
        var tokenizer = Load(Json(addedTokens: Added), """{"add_bos_token": true, "bos_token": "<s>", "add_eos_token": true, "eos_token": "</s>"}""");
        Assert.Equal([300, 'x', 301], tokenizer.Encode("x", addSpecialTokens: true));
    }

    [Fact]
    public void Unknown_special_tokens_that_are_never_added_are_left_without_an_id()
    {
        var tokenizer = Load(Json(addedTokens: Added),
            """{"add_bos_token": false, "bos_token": "<bos>", "eos_token": "<eos>", "pad_token": "<pad>", "unk_token": "<unk>"}""");
        Assert.Null(tokenizer.BosId);
        Assert.Null(tokenizer.EosId);
        Assert.Null(tokenizer.PadId);
        Assert.Equal(['x'], tokenizer.Encode("x", addSpecialTokens: true));
    }

    [Theory]
    [MemberData(nameof(TokenizerFixtures.TokenizerNames), MemberType = typeof(TokenizerFixtures))]
    public void Every_published_fixture_loads_within_the_default_limits(string name) =>
        Assert.NotNull(Tokenizer.FromFiles(TokenizerFixtures.JsonPath(name), TokenizerFixtures.ConfigPath(name), TokenizerLimits.Default));

    [Theory]
    [InlineData("deepseek-r1-tiny")]
    [InlineData("janus-pro-tiny")]
    public void Every_shipped_model_loads_within_the_default_limits(string model)
    {
        // The models ship with the repository (models/), found by walking up from the test binaries.
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "models", model, "tokenizer.json")))
            root = root.Parent;
        Assert.NotNull(root);
        Assert.NotNull(Tokenizer.FromDirectory(Path.Combine(root.FullName, "models", model), TokenizerLimits.Default));
    }
}
