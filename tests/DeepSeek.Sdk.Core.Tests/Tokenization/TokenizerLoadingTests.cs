using System.Text;
using DeepSeek.Sdk.Tokenization;

namespace DeepSeek.Sdk.Core.Tests.Tokenization;

public sealed class TokenizerLoadingTests
{
    [Fact]
    public void A_model_directory_with_a_gzipped_tokenizer_json_loads_like_the_files()
    {
        string directory = Directory.CreateTempSubdirectory("tokenizer-").FullName;
        try
        {
            File.Copy(TokenizerFixtures.JsonPath("qwen3"), Path.Combine(directory, "tokenizer.json.gz"));
            File.Copy(TokenizerFixtures.ConfigPath("qwen3"), Path.Combine(directory, "tokenizer_config.json"));
            var fromDirectory = Tokenizer.FromDirectory(directory);
            var fromFiles = TokenizerFixtures.Load("qwen3");
            Assert.Equal(fromFiles.Encode("Hello, 世界 <think>"), fromDirectory.Encode("Hello, 世界 <think>"));
            Assert.Equal(fromFiles.ChatTemplateSource, fromDirectory.ChatTemplateSource);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_list_of_named_chat_templates_is_exposed_by_name()
    {
        const string config = """
            {"bos_token": {"__type": "AddedToken", "content": "<｜begin▁of▁sentence｜>"}, "eos_token": null,
             "chat_template": [{"name": "default", "template": "{{ a }}"}, {"name": "tool_use", "template": "{{ b }}"}]}
            """;
        using var json = File.OpenRead(TokenizerFixtures.JsonPath("deepseek_v3"));
        var tokenizer = Tokenizer.FromStreams(json, new MemoryStream(Encoding.UTF8.GetBytes(config)));
        Assert.Equal("{{ a }}", tokenizer.ChatTemplateSource);
        Assert.Equal("{{ b }}", tokenizer.ChatTemplateSources["tool_use"]);
        Assert.Equal(0, tokenizer.BosId);
        Assert.Null(tokenizer.EosToken);
        // Without add_bos_token in the config, tokenizer.json's ByteLevel post-processor adds nothing.
        Assert.Empty(tokenizer.SpecialTokensBefore);
    }

    [Fact]
    public void A_chat_template_of_the_wrong_shape_is_rejected()
    {
        using var json = File.OpenRead(TokenizerFixtures.JsonPath("qwen3"));
        var error = Assert.Throws<TokenizerFormatException>(() =>
            Tokenizer.FromStreams(json, new MemoryStream("""{"chat_template": 3}"""u8.ToArray()), tokenizerConfigName: "cfg.json"));
        Assert.Contains("cfg.json: $.chat_template", error.Message);
    }
}
