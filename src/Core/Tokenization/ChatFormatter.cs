using DeepSeek.Sdk.Tokenization.Templates;

namespace DeepSeek.Sdk.Tokenization;

/// <summary>Renders conversations into prompt text with a tokenizer's Jinja chat template, passing the
/// variables transformers' <c>apply_chat_template</c> passes (the special tokens, <c>tools</c>,
/// <c>add_generation_prompt</c>). The template is compiled once; rendering is thread-safe. The template came with
/// the model, so it runs within <see cref="TemplateLimits"/>, and every failure is a <see cref="TemplateException"/>.</summary>
public sealed class ChatFormatter
{
    private readonly ChatTemplate _template;
    private readonly Dictionary<string, object?> _specialTokens = new(StringComparer.Ordinal);

    /// <param name="template">The compiled template.</param>
    /// <param name="tokenizer">The tokenizer whose special tokens the template sees (<c>bos_token</c>, ...).</param>
    /// <param name="limits">Limits to render under instead of those the template was parsed with.</param>
    public ChatFormatter(ChatTemplate template, Tokenizer? tokenizer = null, TemplateLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        _template = limits is null ? template : template.WithLimits(limits);
        if (tokenizer is null) return;
        AddIfPresent("bos_token", tokenizer.BosToken);
        AddIfPresent("eos_token", tokenizer.EosToken);
        AddIfPresent("unk_token", tokenizer.UnkToken);
        AddIfPresent("pad_token", tokenizer.PadToken);
    }

    public ChatTemplate Template => _template;

    /// <summary>The formatter for a tokenizer's own template (<paramref name="name"/> picks one of several
    /// named templates), parsed and rendered within <paramref name="limits"/> (<see cref="TemplateLimits.Default"/>
    /// when null). Throws <see cref="TokenizerFormatException"/> when tokenizer_config.json has none, and a
    /// <see cref="TemplateException"/> when the template is malformed or too deep.</summary>
    public static ChatFormatter FromTokenizer(Tokenizer tokenizer, string name = "default", TemplateLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (!tokenizer.ChatTemplateSources.TryGetValue(name, out var source))
            throw new TokenizerFormatException(
                $"tokenizer_config.json: $.chat_template has no template named '{name}' (it has: {(tokenizer.ChatTemplateSources.Count == 0 ? "none, and there is no chat_template.jinja" : string.Join(", ", tokenizer.ChatTemplateSources.Keys))}), so chat messages cannot be formatted.");
        return new ChatFormatter(ChatTemplate.Parse(source, name == "default" ? "chat_template" : name, limits), tokenizer);
    }

    /// <summary>The conversation as prompt text.</summary>
    /// <exception cref="TemplateException">The template failed, called <c>raise_exception</c> or reached one of its limits.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public string Render(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt = true, IReadOnlyList<object?>? tools = null, IReadOnlyDictionary<string, object?>? extra = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var values = new IReadOnlyDictionary<string, object?>[messages.Count];
        for (int i = 0; i < values.Length; i++) values[i] = messages[i].ToTemplateValue();
        return Render(values, addGenerationPrompt, tools, extra, cancellationToken);
    }

    /// <inheritdoc cref="Render(IReadOnlyList{ChatTurn}, bool, IReadOnlyList{object?}?, IReadOnlyDictionary{string, object?}?, CancellationToken)"/>
    public string Render(IReadOnlyList<IReadOnlyDictionary<string, object?>> messages, bool addGenerationPrompt = true, IReadOnlyList<object?>? tools = null, IReadOnlyDictionary<string, object?>? extra = null,
        CancellationToken cancellationToken = default)
    {
        var variables = _specialTokens;
        if (extra is not null)
        {
            variables = new Dictionary<string, object?>(_specialTokens, StringComparer.Ordinal);
            foreach (var (key, value) in extra) variables[key] = value;
        }
        return _template.RenderChat(messages, addGenerationPrompt, tools, variables, cancellationToken);
    }

    private void AddIfPresent(string key, string? token)
    {
        if (token is not null) _specialTokens[key] = token;
    }
}
