using System.Text;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Vision.Preprocessing;

namespace DeepSeek.Sdk.Vision.Tests.Preprocessing;

/// <summary>Issue 15: a preprocessor_config.json size of 100000 made every image a 100000-pixel square (OutOfMemory).
/// The square's side is bounded by <see cref="ConfigLimits.MaxImageSize"/>, before any image is touched.</summary>
public sealed class JanusImageProcessorLimitTests
{
    [Theory]
    [InlineData("{\"size\": {\"height\": 100000, \"width\": 100000}}", "size")]
    [InlineData("{\"size\": 100000}", "size")]
    [InlineData("{\"image_size\": 100000}", "image_size")]
    public void An_image_size_above_the_limit_names_the_field_and_the_option(string json, string field)
    {
        var e = BoundedProbe.Throws<ConfigException>(() => JanusImageProcessorConfig.Parse(Encoding.UTF8.GetBytes(json), "preprocessor_config.json"));

        Assert.Equal(field, e.Field);
        Assert.Contains("100000 exceeds the limit (ConfigLimits.MaxImageSize = 2048)", e.Message);
    }

    [Fact]
    public void The_folder_loader_applies_the_limit_and_a_caller_may_raise_it()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File(JanusImageProcessorConfig.FileName), "{\"size\": {\"height\": 4096, \"width\": 4096}}");

        BoundedProbe.Throws<ConfigException>(() => JanusImageProcessor.FromDirectory(directory.Path));
        var raised = JanusImageProcessor.FromDirectory(directory.Path, ConfigLimits.Default with { MaxImageSize = 4096 });

        Assert.Equal(4096, raised.Config.Size);
    }

    [Theory]
    [InlineData("{\"image_size\": 384, \"min_size\": 100000}", "min_size")]
    [InlineData("{\"size\": \"large\"}", "size")]
    [InlineData("{\"rescale_factor\": 1e400}", "rescale_factor")]
    [InlineData("{\"image_mean\": [0.5, 1e400, 0.5]}", "image_mean")]
    [InlineData("{\"size\": {\"height\": 0, \"width\": 0}}", "size.height")]
    public void Sizes_and_numbers_that_cannot_be_used_name_their_field(string json, string field)
    {
        var e = BoundedProbe.Throws<ConfigException>(() => JanusImageProcessorConfig.Parse(Encoding.UTF8.GetBytes(json), "preprocessor_config.json"));

        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void An_integer_size_is_a_square_of_that_side()
    {
        var config = JanusImageProcessorConfig.Parse("{\"size\": 384}"u8, "preprocessor_config.json");

        Assert.Equal((384, 14), (config.Size, config.MinSize));
    }
}
