using DeepSeek.Sdk.Generation;

namespace DeepSeek.Sdk.Core.Tests.Generation;

public class StopStringMatcherTests
{
    [Fact]
    public void Stop_string_split_across_tokens_is_held_back_and_cut()
    {
        var m = new StopStringMatcher(["</answer>"]);
        Assert.Equal("The sum is 42", m.Append("The sum is 42"));
        Assert.Equal("", m.Append("</ans"));
        Assert.False(m.Stopped);
        Assert.Equal("", m.Append("wer> trailing"));
        Assert.True(m.Stopped);
        Assert.Equal("</answer>", m.MatchedStop);
        Assert.Equal("", m.Append("more"));
    }

    [Fact]
    public void Held_text_that_does_not_complete_a_stop_is_released()
    {
        var m = new StopStringMatcher(["STOP"]);
        Assert.Equal("a", m.Append("aST"));
        Assert.Equal("STx", m.Append("x"));
        Assert.Equal("", m.Append("S"));
        Assert.Equal("S", m.Flush());
    }

    [Fact]
    public void Earliest_of_several_stop_strings_wins()
    {
        var m = new StopStringMatcher(["world", "lo w"]);
        Assert.Equal("hel", m.Append("hello world"));
        Assert.Equal("lo w", m.MatchedStop);
    }

    [Fact]
    public void Without_stop_strings_text_passes_through()
    {
        var m = new StopStringMatcher([]);
        Assert.Equal("abc", m.Append("abc"));
        Assert.Equal("", m.Flush());
    }
}
