using DeepSeek.Sdk.Tokenization;

namespace DeepSeek.Sdk.Reasoning;

/// <summary>DeepSeek-R1's prompt conventions, applied around any chat template: earlier assistant turns go
/// back to the model without their reasoning, and the generation prompt opens the thinking trace.</summary>
/// <remarks>R1's published template (deepseek-ai/DeepSeek-R1 tokenizer_config.json, also the R1-Distill
/// models') renders an assistant turn as <c>content.split('&lt;/think&gt;')[-1]</c> and ends the generation
/// prompt with <c>&lt;｜Assistant｜&gt;&lt;think&gt;\n</c>; DeepSeek-V3's template (and R1-0528's) does neither,
/// so both are done here, and a template that already does them is left to do them.</remarks>
public static class ReasoningPrompt
{
    /// <summary>What R1's generation prompt ends with: the trace is open and the model starts thinking.</summary>
    public const string OpenTrace = ReasoningTraceParser.OpenTag + "\n";

    /// <summary>The answer part of an assistant message: the text after its last <c>&lt;/think&gt;</c>, exactly
    /// as R1's template cuts it (no trimming), or the whole text when it holds no trace.</summary>
    public static string StripReasoning(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        int close = content.LastIndexOf(ReasoningTraceParser.CloseTag, StringComparison.Ordinal);
        return close < 0 ? content : content[(close + ReasoningTraceParser.CloseTag.Length)..];
    }

    /// <summary>The conversation with every assistant turn's reasoning removed: the trace cut from its content,
    /// and a <c>reasoning_content</c> field (which V3.1/Qwen3-style templates would render) dropped. R1's own
    /// template leaves the trace in an assistant turn that follows tool output; it is cut there too.</summary>
    public static IReadOnlyList<ChatTurn> WithoutReasoning(IReadOnlyList<ChatTurn> conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var turns = new ChatTurn[conversation.Count];
        for (int i = 0; i < turns.Length; i++)
        {
            var turn = conversation[i] ?? throw new ArgumentException($"Message {i} is null.", nameof(conversation));
            if (turn.Role != "assistant")
            {
                turns[i] = turn;
                continue;
            }
            var fields = turn.Fields;
            if (fields is not null && fields.ContainsKey("reasoning_content"))
            {
                var kept = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (key, value) in fields)
                    if (key != "reasoning_content") kept[key] = value;
                fields = kept;
            }
            turns[i] = turn with { Content = StripReasoning(turn.Content), Fields = fields };
        }
        return turns;
    }

    /// <summary>Renders <paramref name="conversation"/> for a reasoning model: history without reasoning, the
    /// generation prompt added, and <c>&lt;think&gt;\n</c> appended unless the template already opened the trace.</summary>
    public static string Render(ChatFormatter formatter, IReadOnlyList<ChatTurn> conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        string prompt = formatter.Render(WithoutReasoning(conversation), addGenerationPrompt: true, cancellationToken: cancellationToken);
        // A template that opens the trace itself keeps its own form (R1: "<think>\n", V3.1's thinking mode: "<think>").
        if (prompt.EndsWith(OpenTrace, StringComparison.Ordinal) || prompt.EndsWith(ReasoningTraceParser.OpenTag, StringComparison.Ordinal))
            return prompt;
        return prompt + OpenTrace;
    }
}
