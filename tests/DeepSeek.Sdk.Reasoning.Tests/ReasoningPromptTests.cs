using DeepSeek.Sdk.Tokenization;
using DeepSeek.Sdk.Tokenization.Templates;

namespace DeepSeek.Sdk.Reasoning.Tests;

public class ReasoningPromptTests
{
    private static string Tokenizers => Path.Combine(AppContext.BaseDirectory, "Fixtures", "tokenizers");

    private static Tokenizer DeepSeekV3() => Tokenizer.FromFiles(
        Path.Combine(Tokenizers, "deepseek_v3.tokenizer.json.gz"), Path.Combine(Tokenizers, "deepseek_v3.tokenizer_config.json"));

    private static readonly ChatTurn[] History =
    [
        ChatTurn.System("Be brief."),
        ChatTurn.User("What is 2+2?"),
        ChatTurn.Assistant("<think>\nTwo and two.\n</think>\n\n4"),
        ChatTurn.User("And 3+3?"),
    ];

    [Fact]
    public void Stripping_keeps_the_text_after_the_last_closing_tag_exactly_as_R1s_template_does()
    {
        Assert.Equal("\n\n4", ReasoningPrompt.StripReasoning("<think>\nTwo and two.\n</think>\n\n4"));
        Assert.Equal(" b", ReasoningPrompt.StripReasoning("x</think>a</think> b"));
        Assert.Equal("no trace", ReasoningPrompt.StripReasoning("no trace"));
    }

    [Fact]
    public void DeepSeek_V3s_template_with_the_R1_conventions_renders_what_R1s_template_renders()
    {
        var tokenizer = DeepSeekV3();
        var v3 = ChatFormatter.FromTokenizer(tokenizer);
        var r1 = new ChatFormatter(ChatTemplate.Parse(TinyR1Tokenizer.R1Template), tokenizer);

        string ours = ReasoningPrompt.Render(v3, History, TestContext.Current.CancellationToken);

        Assert.Equal(r1.Render(History, addGenerationPrompt: true, cancellationToken: TestContext.Current.CancellationToken), ours);
        Assert.Equal("<｜begin▁of▁sentence｜>Be brief.<｜User｜>What is 2+2?<｜Assistant｜>\n\n4<｜end▁of▁sentence｜><｜User｜>And 3+3?<｜Assistant｜><think>\n", ours);
    }

    [Fact]
    public void A_template_that_already_opens_the_trace_is_not_opened_twice()
    {
        var tokenizer = DeepSeekV3();
        var r1 = new ChatFormatter(ChatTemplate.Parse(TinyR1Tokenizer.R1Template), tokenizer);
        string prompt = ReasoningPrompt.Render(r1, History, TestContext.Current.CancellationToken);
        Assert.EndsWith("<｜Assistant｜><think>\n", prompt);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(prompt, "<think>"));

        // DeepSeek-V3.1's thinking mode opens with "<think>" and no newline; that form is kept as well.
        var v31 = new ChatFormatter(ChatTemplate.Parse("{% for m in messages %}<｜User｜>{{ m['content'] }}{% endfor %}<｜Assistant｜><think>"));
        Assert.Equal("<｜User｜>hi<｜Assistant｜><think>", ReasoningPrompt.Render(v31, [ChatTurn.User("hi")], TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Earlier_answers_lose_a_reasoning_content_field_too()
    {
        var withField = ChatTurn.Assistant("4") with { Fields = new Dictionary<string, object?> { ["reasoning_content"] = "Two and two.", ["name"] = "r1" } };
        var user = ChatTurn.User("q");
        var turns = ReasoningPrompt.WithoutReasoning([user, withField]);

        Assert.Equal("4", turns[1].Content);
        Assert.False(turns[1].Fields!.ContainsKey("reasoning_content"));
        Assert.Equal("r1", turns[1].Fields!["name"]);
        Assert.Same(user, turns[0]);
    }

    [Fact]
    public void User_turns_that_mention_the_tags_are_left_alone()
    {
        var turns = ReasoningPrompt.WithoutReasoning([ChatTurn.User("What does </think> mean?")]);
        Assert.Equal("What does </think> mean?", turns[0].Content);
    }

    [Fact]
    public void In_DeepSeek_V3s_tokenizer_the_think_tags_are_ordinary_pieces_and_still_parse_when_streamed()
    {
        var tokenizer = DeepSeekV3();
        Assert.Null(tokenizer.TokenToId("<think>"));
        Assert.Null(tokenizer.TokenToId("</think>"));
        int[] close = tokenizer.Encode("</think>");
        Assert.True(close.Length > 1, "V3 splits </think> into several pieces");

        int[] ids = tokenizer.Encode("Two plus two is four.\n</think>\n\nThe answer is **4**. 🎉");
        var decoder = new StreamingDetokenizer(tokenizer);
        var parser = new ReasoningTraceParser();
        var total = TraceDelta.Empty;
        foreach (int id in ids) total = total.Then(parser.Append(decoder.Push(id)));
        total = total.Then(parser.Append(decoder.Flush())).Then(parser.Flush());

        Assert.Equal("Two plus two is four.", total.Reasoning);
        Assert.Equal("The answer is **4**. 🎉", total.Answer);
    }
}
