using DeepSeek.Sdk.Tokenization;

namespace DeepSeek.Sdk.Core.Tests.Tokenization;

public class ChatFormatterTests
{
    [Fact]
    public void Formatter_uses_the_tokenizers_template_and_special_tokens()
    {
        var formatter = ChatFormatter.FromTokenizer(TokenizerFixtures.Load("deepseek_v3"));
        string prompt = formatter.Render([ChatTurn.System("Be brief."), ChatTurn.User("2+2?")], cancellationToken: TestContext.Current.CancellationToken);
        // DeepSeek-V3's template: BOS, the system prompt, then role markers; the generation prompt opens the assistant turn.
        Assert.Equal("<｜begin▁of▁sentence｜>Be brief.<｜User｜>2+2?<｜Assistant｜>", prompt);
    }

    [Fact]
    public void Extra_fields_of_a_turn_reach_the_template()
    {
        var formatter = new ChatFormatter(DeepSeek.Sdk.Tokenization.Templates.ChatTemplate.Parse("{{ messages[0].role }}:{{ messages[0].name }}"));
        var turn = ChatTurn.User("hi") with { Fields = new Dictionary<string, object?> { ["name"] = "ada" } };
        Assert.Equal("user:ada", formatter.Render([turn], addGenerationPrompt: false, cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Asking_for_a_template_the_tokenizer_lacks_names_the_ones_it_has()
    {
        var e = Assert.Throws<TokenizerFormatException>(() => ChatFormatter.FromTokenizer(TokenizerFixtures.Load("qwen3"), "tool_use"));
        Assert.Contains("default", e.Message);
    }
}
