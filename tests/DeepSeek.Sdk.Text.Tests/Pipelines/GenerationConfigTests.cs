using System.Text;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Generation;

namespace DeepSeek.Sdk.Text.Tests.Pipelines;

public sealed class GenerationConfigTests
{
    private static GenerationConfig Parse(string json) => GenerationConfig.Parse(Encoding.UTF8.GetBytes(json), "generation_config.json");

    [Fact]
    public void DeepSeek_R1s_recommended_sampling_becomes_generation_options()
    {
        var config = Parse("""{"_from_model_config": true, "bos_token_id": 0, "eos_token_id": 1, "do_sample": true, "temperature": 0.6, "top_p": 0.95, "transformers_version": "4.46.3"}""");
        var options = config.ApplyTo(new GenerationOptions { MaxNewTokens = 99 });
        Assert.Equal([1], config.EosTokenIds);
        Assert.Equal(0.6f, options.Sampling.Temperature);
        Assert.Equal(0.95f, options.Sampling.TopP);
        Assert.Equal(GenerationConfig.TransformersDefaultTopK, options.Sampling.TopK);
        Assert.Equal(99, options.MaxNewTokens);
    }

    [Fact]
    public void Without_do_sample_the_recommendation_is_greedy_as_in_transformers()
    {
        var options = Parse("""{"eos_token_id": [128001, 128009], "temperature": 0.6}""").ApplyTo(new GenerationOptions());
        Assert.True(options.Sampling.IsGreedy);
    }

    [Theory]
    [InlineData("""{"top_p": 0}""", "top_p")]
    [InlineData("""{"temperature": -1}""", "temperature")]
    [InlineData("""{"eos_token_id": "x"}""", "eos_token_id")]
    [InlineData("""{"do_sample": "yes"}""", "do_sample")]
    [InlineData("""{"max_new_tokens": 0}""", "max_new_tokens")]
    public void Invalid_fields_are_refused_naming_file_and_field(string json, string field)
    {
        var e = Assert.Throws<ConfigException>(() => Parse(json));
        Assert.Equal(field, e.Field);
        Assert.Contains("generation_config.json", e.Message);
    }

    [Fact]
    public void A_model_folder_without_the_file_has_no_generation_config()
    {
        using var dir = new TempDirectory();
        Assert.Null(GenerationConfig.LoadIfPresent(dir.Path));
    }
}
