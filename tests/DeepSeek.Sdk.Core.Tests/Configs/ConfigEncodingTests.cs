using System.Text;
using DeepSeek.Sdk.Configs;

namespace DeepSeek.Sdk.Core.Tests.Configs;

/// <summary>A config's bytes that are not text: System.Text.Json checks a string's UTF-8 only when the string is read,
/// so without a check up front they surfaced as an InvalidOperationException from deep inside the reader (the fuzzer's
/// first config finding, tests/Fixtures/fuzz/config/crash-646176e660.json).</summary>
public sealed class ConfigEncodingTests
{
    [Fact]
    public void Invalid_utf8_in_a_string_is_refused_naming_the_file_and_the_byte()
    {
        byte[] json = [.. "{\"model_type\": \""u8, 0x80, .. "\"}"u8];
        var e = Assert.Throws<ConfigException>(() => ModelConfig.Parse(json, "crafted/config.json"));
        Assert.Equal("crafted/config.json: not valid UTF-8 (at byte 16)", e.Message);
    }

    [Fact]
    public void An_escaped_lone_surrogate_is_refused_as_a_config_error()
    {
        var json = Encoding.UTF8.GetBytes("{\"model_type\": \"\\ud800\"}");
        var e = Assert.ThrowsAny<ConfigException>(() => ModelConfig.Parse(json, "crafted/config.json"));
        Assert.Contains("model_type", e.Message);
    }

    [Fact]
    public void Generation_config_bytes_are_checked_the_same_way()
    {
        byte[] json = [.. "{\"eos_token_id\": 1, \"x\": \""u8, 0xC3, .. "\"}"u8];
        var e = Assert.Throws<ConfigException>(() => GenerationConfig.Parse(json, "crafted/generation_config.json"));
        Assert.StartsWith("crafted/generation_config.json: not valid UTF-8", e.Message);
    }
}
