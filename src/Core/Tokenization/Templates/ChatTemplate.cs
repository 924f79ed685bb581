using DeepSeek.Sdk.Tokenization.Templates.Nodes;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// A compiled Jinja chat template (the <c>chat_template</c> of a tokenizer_config.json), rendered
/// the way transformers' <c>apply_chat_template</c> renders it. Parsing rejects every construct the
/// interpreter cannot run; a parsed template is immutable and safe to render from many threads.
/// </summary>
public sealed class ChatTemplate
{
    private readonly SourceText _source;
    private readonly IReadOnlyList<Stmt> _body;

    private ChatTemplate(SourceText source, IReadOnlyList<Stmt> body, Func<DateTime> clock)
    {
        _source = source;
        _body = body;
        Clock = clock;
    }

    /// <summary>The name used in error messages.</summary>
    public string Name => _source.Name;

    /// <summary>The clock behind <c>strftime_now</c> (local time, as transformers' datetime.now()).</summary>
    public Func<DateTime> Clock { get; }

    /// <summary>The same compiled template reading time from <paramref name="clock"/>, e.g. to pin dates.</summary>
    public ChatTemplate WithClock(Func<DateTime> clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return new ChatTemplate(_source, _body, clock);
    }

    /// <exception cref="TemplateSyntaxException">The source is malformed or uses an unsupported construct.</exception>
    public static ChatTemplate Parse(string source, string name = "chat_template")
    {
        ArgumentNullException.ThrowIfNull(source);
        var text = new SourceText(source, name);
        return new ChatTemplate(text, TemplateParser.Parse(text), static () => DateTime.Now);
    }

    /// <summary>Renders with the given variables (see <see cref="TemplateValue.Normalize"/> for the value types).</summary>
    /// <exception cref="TemplateRuntimeException">Rendering failed, or the template called <c>raise_exception</c>.</exception>
    public string Render(IReadOnlyDictionary<string, object?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var normalized = new Dictionary<string, object?>(variables.Count, StringComparer.Ordinal);
        foreach (var (key, value) in variables)
        {
            normalized[key] = TemplateValue.Normalize(value, key);
        }
        return TemplateEvaluator.Render(_source, _body, normalized, Clock);
    }

    /// <summary>
    /// Renders a conversation with the variables transformers' <c>apply_chat_template</c> sets:
    /// <c>messages</c>, <c>add_generation_prompt</c>, <c>tools</c> and <c>documents</c> (None when
    /// absent: render_jinja_template always passes both, so they are defined), plus <paramref name="extra"/> — the tokenizer's special tokens
    /// (<c>bos_token</c>, <c>eos_token</c>, ...) and template options such as <c>enable_thinking</c>.
    /// </summary>
    public string RenderChat(
        IReadOnlyList<IReadOnlyDictionary<string, object?>> messages,
        bool addGenerationPrompt,
        IReadOnlyList<object?>? tools = null,
        IReadOnlyDictionary<string, object?>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal) { ["documents"] = null };
        if (extra is not null)
        {
            foreach (var (key, value) in extra)
            {
                variables[key] = value;
            }
        }
        var messageList = new object?[messages.Count];
        for (int i = 0; i < messageList.Length; i++)
        {
            messageList[i] = messages[i];
        }
        variables["messages"] = messageList;
        variables["add_generation_prompt"] = addGenerationPrompt;
        variables["tools"] = tools;
        return Render(variables);
    }
}
