namespace DeepSeek.Sdk.Reasoning.Tests;

public class ReasoningTraceParserTests
{
    /// <summary>Feeds <paramref name="pieces"/> one at a time, checking the stream's invariants, and returns the totals.</summary>
    private static (string Reasoning, string Answer, ReasoningTraceParser Parser) Stream(bool traceOpenedByPrompt, params string[] pieces)
    {
        var parser = new ReasoningTraceParser(traceOpenedByPrompt);
        string reasoning = "", answer = "";
        foreach (var piece in pieces)
        {
            var delta = parser.Append(piece);
            Assert.True(delta.Reasoning.Length == 0 || answer.Length == 0, "reasoning must never follow answer text");
            reasoning += delta.Reasoning;
            answer += delta.Answer;
        }
        var rest = parser.Flush();
        Assert.True(rest.Reasoning.Length == 0 || answer.Length == 0, "reasoning must never follow answer text");
        return (reasoning + rest.Reasoning, answer + rest.Answer, parser);
    }

    private static string[] Characters(string text) => text.Select(c => c.ToString()).ToArray();

    [Fact]
    public void Output_inside_a_trace_opened_by_the_prompt_splits_at_the_closing_tag()
    {
        var (reasoning, answer, parser) = Stream(true, "Two plus two.\n</think>\n\nIt is 4.");
        Assert.Equal("Two plus two.", reasoning);
        Assert.Equal("It is 4.", answer);
        Assert.True(parser.TraceClosed);
        Assert.Equal(TracePhase.Answer, parser.Phase);
    }

    [Fact]
    public void Output_that_opens_its_own_trace_splits_the_same_way()
    {
        var (reasoning, answer, parser) = Stream(false, "<think>\nTwo plus two.\n</think>\n\nIt is 4.");
        Assert.Equal("Two plus two.", reasoning);
        Assert.Equal("It is 4.", answer);
        Assert.True(parser.TraceClosed);
    }

    [Fact]
    public void An_opening_tag_repeated_after_the_prompt_opened_the_trace_is_dropped()
    {
        var (reasoning, answer, _) = Stream(true, "\n<think>\nHmm.</think>Yes.");
        Assert.Equal("Hmm.", reasoning);
        Assert.Equal("Yes.", answer);
    }

    [Fact]
    public void Tags_split_across_pieces_at_every_position_give_the_same_split()
    {
        const string output = "<think>\nFirst, 1 < 2.\nSo </th is no tag.\n</think>\n\nThe answer: 2 > 1.";
        var whole = ReasoningTraceParser.Split(output, traceOpenedByPrompt: false);
        Assert.Equal("First, 1 < 2.\nSo </th is no tag.", whole.Reasoning);
        Assert.Equal("The answer: 2 > 1.", whole.Answer);

        for (int i = 0; i <= output.Length; i++)
        {
            for (int j = i; j <= output.Length; j++)
            {
                var (reasoning, answer, _) = Stream(false, output[..i], output[i..j], output[j..]);
                Assert.Equal(whole.Reasoning, reasoning);
                Assert.Equal(whole.Answer, answer);
            }
        }
        var (r1, a1, _) = Stream(false, Characters(output));
        Assert.Equal((whole.Reasoning, whole.Answer), (r1, a1));
    }

    [Fact]
    public void Reasoning_streams_live_and_only_a_possible_tag_is_held_back()
    {
        var parser = new ReasoningTraceParser();
        Assert.Equal(new TraceDelta("Let me think", ""), parser.Append("Let me think"));
        // " </th" might be the start of </think>: the space before it and the partial tag wait.
        Assert.Equal(new TraceDelta(" about it.", ""), parser.Append(" about it. </th"));
        Assert.Equal(TracePhase.Reasoning, parser.Phase);
        Assert.Equal(new TraceDelta("", "Yes"), parser.Append("ink>\n\nYes"));
        Assert.Equal(new TraceDelta("", "."), parser.Append("."));
        Assert.True(parser.TraceClosed);
    }

    [Fact]
    public void A_partial_tag_that_does_not_complete_is_released_as_reasoning()
    {
        var parser = new ReasoningTraceParser();
        Assert.Equal("a", parser.Append("a </thin").Reasoning);
        Assert.Equal(" </thinking> b", parser.Append("king> b").Reasoning);
        Assert.False(parser.TraceClosed);
    }

    [Fact]
    public void A_trace_the_model_never_closes_is_all_reasoning()
    {
        var (reasoning, answer, parser) = Stream(true, "I keep ", "thinking ", "and thinking\n\n");
        Assert.Equal("I keep thinking and thinking", reasoning);
        Assert.Equal("", answer);
        Assert.False(parser.TraceClosed);
        Assert.Equal(TracePhase.Reasoning, parser.Phase);
    }

    [Fact]
    public void An_unclosed_trace_ending_in_a_partial_tag_releases_it_at_the_end()
    {
        var (reasoning, answer, _) = Stream(true, "so ", "</thi");
        Assert.Equal("so </thi", reasoning);
        Assert.Equal("", answer);
    }

    [Fact]
    public void Budget_reached_mid_word_closes_the_trace_there()
    {
        // The pipeline forces "\n</think>\n\n" after the budget's last token, which ended inside a word.
        var (reasoning, answer, parser) = Stream(true, "Let me comp", "\n</think>\n\n", "The", " answer is 4.");
        Assert.Equal("Let me comp", reasoning);
        Assert.Equal("The answer is 4.", answer);
        Assert.True(parser.TraceClosed);
    }

    [Fact]
    public void Budget_reached_inside_a_half_written_closing_tag_keeps_the_fragment_as_reasoning()
    {
        var (reasoning, answer, _) = Stream(true, "so </thi", "\n</think>\n\n", "4");
        Assert.Equal("so </thi", reasoning);
        Assert.Equal("4", answer);
    }

    [Fact]
    public void Whitespace_is_trimmed_where_the_trace_meets_its_tags_but_kept_inside()
    {
        const string output = "\n\n  First.\n\n Second. \n\n</think>\n\n\nAnswer.\n";
        var expected = ("First.\n\n Second.", "Answer.\n");
        Assert.Equal(expected, (Stream(true, output).Reasoning, Stream(true, output).Answer));
        var (reasoning, answer, _) = Stream(true, Characters(output));
        Assert.Equal(expected, (reasoning, answer));
    }

    [Fact]
    public void Trailing_whitespace_in_the_trace_waits_for_more_reasoning()
    {
        var parser = new ReasoningTraceParser();
        Assert.Equal("Step one.", parser.Append("Step one.\n\n").Reasoning);
        Assert.Equal("\n\nStep two.", parser.Append("Step two.").Reasoning);
    }

    [Fact]
    public void An_empty_trace_gives_empty_reasoning_and_the_answer()
    {
        var (reasoning, answer, parser) = Stream(true, "\n\n</think>\n\n", "Hi!");
        Assert.Equal("", reasoning);
        Assert.Equal("Hi!", answer);
        Assert.True(parser.TraceClosed);
    }

    [Fact]
    public void Tags_after_the_trace_are_answer_text()
    {
        var (reasoning, answer, _) = Stream(true, "r</think>Use <think> and </think> tags.");
        Assert.Equal("r", reasoning);
        Assert.Equal("Use <think> and </think> tags.", answer);
    }

    [Fact]
    public void Without_an_opened_trace_output_that_does_not_open_one_is_the_answer()
    {
        var (reasoning, answer, parser) = Stream(false, "  <b>", "bold</b>");
        Assert.Equal("", reasoning);
        Assert.Equal("<b>bold</b>", answer);
        Assert.False(parser.TraceClosed);
        Assert.Equal(TracePhase.Answer, parser.Phase);
    }

    [Fact]
    public void Without_an_opened_trace_a_possible_opening_tag_waits_then_decides()
    {
        var parser = new ReasoningTraceParser(traceOpenedByPrompt: false);
        Assert.True(parser.Append("\n<thi").IsEmpty);
        Assert.Equal(TracePhase.BeforeTrace, parser.Phase);
        Assert.Equal(new TraceDelta("Hmm", ""), parser.Append("nk>Hmm"));
        Assert.Equal(TracePhase.Reasoning, parser.Phase);
    }

    [Fact]
    public void Without_an_opened_trace_an_opening_tag_that_never_completes_is_the_answer()
    {
        var (reasoning, answer, _) = Stream(false, "<thi");
        Assert.Equal(("", "<thi"), (reasoning, answer));
    }

    [Fact]
    public void Characters_outside_the_basic_plane_pass_through_whole()
    {
        var (reasoning, answer, _) = Stream(true, "🤔 hmm", "</think>", "🎉");
        Assert.Equal(("🤔 hmm", "🎉"), (reasoning, answer));
    }
}
