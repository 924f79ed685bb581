using DeepSeek.Sdk.Tokenization.Templates.Nodes;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// A compiled Jinja chat template (the <c>chat_template</c> of a tokenizer_config.json), rendered
/// the way transformers' <c>apply_chat_template</c> renders it. Parsing rejects every construct the
/// interpreter cannot run; a parsed template is immutable and safe to render from many threads.
/// </summary>
/// <remarks>
/// A template arrives with a model folder, so it is treated as untrusted code: parsing and rendering stay
/// within <see cref="Limits"/> (nesting depth, loop iterations, string and list sizes, work) and every
/// failure, a limit included, is a <see cref="TemplateException"/> naming the template, line and column.
/// </remarks>
public sealed class ChatTemplate
{
    private readonly SourceText _source;
    private readonly IReadOnlyList<Stmt> _body;

    private ChatTemplate(SourceText source, IReadOnlyList<Stmt> body, Func<DateTime> clock, TemplateLimits limits)
    {
        _source = source;
        _body = body;
        Clock = clock;
        Limits = limits;
    }

    /// <summary>The name used in error messages.</summary>
    public string Name => _source.Name;

    /// <summary>The clock behind <c>strftime_now</c> (local time, as transformers' datetime.now()).</summary>
    public Func<DateTime> Clock { get; }

    /// <summary>The limits the template was parsed under, and renders under.</summary>
    public TemplateLimits Limits { get; }

    /// <summary>The same compiled template reading time from <paramref name="clock"/>, e.g. to pin dates.</summary>
    public ChatTemplate WithClock(Func<DateTime> clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return new ChatTemplate(_source, _body, clock, Limits);
    }

    /// <summary>
    /// The same compiled template rendering under <paramref name="limits"/>. Its nesting was checked against the
    /// limits it was parsed under; a lower <see cref="TemplateLimits.MaxNestingDepth"/> here still bounds values.
    /// </summary>
    public ChatTemplate WithLimits(TemplateLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.Validate();
        return new ChatTemplate(_source, _body, Clock, limits);
    }

    /// <param name="source">The template text.</param>
    /// <param name="name">The name error messages give the template.</param>
    /// <param name="limits">Bounds on parsing and, later, rendering; <see cref="TemplateLimits.Default"/> when null.</param>
    /// <exception cref="TemplateSyntaxException">The source is malformed or uses an unsupported construct.</exception>
    /// <exception cref="TemplateLimitExceededException">The source is longer than <see cref="TemplateLimits.MaxSourceLength"/> or nests deeper than <see cref="TemplateLimits.MaxNestingDepth"/>.</exception>
    public static ChatTemplate Parse(string source, string name = "chat_template", TemplateLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(name);
        limits ??= TemplateLimits.Default;
        limits.Validate();
        var text = new SourceText(source, name);
        if (source.Length > limits.MaxSourceLength)
        {
            var (line, column) = text.Locate(limits.MaxSourceLength);
            throw new TemplateLimitExceededException(name, line, column,
                $"the template is {source.Length} characters long, longer than {limits.MaxSourceLength}", nameof(TemplateLimits.MaxSourceLength), limits.MaxSourceLength);
        }
        return new ChatTemplate(text, TemplateParser.Parse(text, limits), static () => DateTime.Now, limits);
    }

    /// <summary>Renders with the given variables (see <see cref="TemplateValue.Normalize"/> for the value types).</summary>
    /// <exception cref="TemplateRuntimeException">Rendering failed, or the template called <c>raise_exception</c>.</exception>
    /// <exception cref="TemplateLimitExceededException">Rendering reached one of <see cref="Limits"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public string Render(IReadOnlyDictionary<string, object?> variables, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(variables);
        cancellationToken.ThrowIfCancellationRequested();
        var normalized = new Dictionary<string, object?>(variables.Count, StringComparer.Ordinal);
        foreach (var (key, value) in variables)
        {
            normalized[key] = TemplateValue.Normalize(value, key, Limits.MaxNestingDepth);
        }
        return TemplateEvaluator.Render(_source, _body, normalized, Clock, new RenderBudget(Limits, cancellationToken));
    }

    /// <summary>
    /// Renders a conversation with the variables transformers' <c>apply_chat_template</c> sets:
    /// <c>messages</c>, <c>add_generation_prompt</c>, <c>tools</c> and <c>documents</c> (None when
    /// absent: render_jinja_template always passes both, so they are defined), plus <paramref name="extra"/> — the tokenizer's special tokens
    /// (<c>bos_token</c>, <c>eos_token</c>, ...) and template options such as <c>enable_thinking</c>.
    /// </summary>
    /// <inheritdoc cref="Render" path="/exception"/>
    public string RenderChat(
        IReadOnlyList<IReadOnlyDictionary<string, object?>> messages,
        bool addGenerationPrompt,
        IReadOnlyList<object?>? tools = null,
        IReadOnlyDictionary<string, object?>? extra = null,
        CancellationToken cancellationToken = default)
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
        return Render(variables, cancellationToken);
    }
}
