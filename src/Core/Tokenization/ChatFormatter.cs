using DeepSeek.Sdk.Tokenization.Templates;

namespace DeepSeek.Sdk.Tokenization;

/// <summary>Renders conversations into prompt text with a tokenizer's Jinja chat template, passing the
/// variables transformers' <c>apply_chat_template</c> passes (the special tokens, <c>tools</c>,
/// <c>add_generation_prompt</c>). The template is compiled once; rendering is thread-safe.</summary>
public sealed class ChatFormatter
{
    private readonly ChatTemplate _template;
    private readonly Dictionary<string, object?> _specialTokens = new(StringComparer.Ordinal);

    public ChatFormatter(ChatTemplate template, Tokenizer? tokenizer = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        _template = template;
        if (tokenizer is null) return;
        AddIfPresent("bos_token", tokenizer.BosToken);
        AddIfPresent("eos_token", tokenizer.EosToken);
        AddIfPresent("unk_token", tokenizer.UnkToken);
        AddIfPresent("pad_token", tokenizer.PadToken);
    }

    public ChatTemplate Template => _template;

    /// <summary>The formatter for a tokenizer's own template (<paramref name="name"/> picks one of several
    /// named templates). Throws <see cref="InvalidOperationException"/> when tokenizer_config.json has none.</summary>
    public static ChatFormatter FromTokenizer(Tokenizer tokenizer, string name = "default")
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (!tokenizer.ChatTemplateSources.TryGetValue(name, out var source))
            throw new InvalidOperationException(
                $"The tokenizer has no chat template named '{name}' (it has: {(tokenizer.ChatTemplateSources.Count == 0 ? "none" : string.Join(", ", tokenizer.ChatTemplateSources.Keys))}).");
        return new ChatFormatter(ChatTemplate.Parse(source, name == "default" ? "chat_template" : name), tokenizer);
    }

    public string Render(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt = true, IReadOnlyList<object?>? tools = null, IReadOnlyDictionary<string, object?>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var values = new IReadOnlyDictionary<string, object?>[messages.Count];
        for (int i = 0; i < values.Length; i++) values[i] = messages[i].ToTemplateValue();
        return Render(values, addGenerationPrompt, tools, extra);
    }

    public string Render(IReadOnlyList<IReadOnlyDictionary<string, object?>> messages, bool addGenerationPrompt = true, IReadOnlyList<object?>? tools = null, IReadOnlyDictionary<string, object?>? extra = null)
    {
        var variables = _specialTokens;
        if (extra is not null)
        {
            variables = new Dictionary<string, object?>(_specialTokens, StringComparer.Ordinal);
            foreach (var (key, value) in extra) variables[key] = value;
        }
        return _template.RenderChat(messages, addGenerationPrompt, tools, variables);
    }

    private void AddIfPresent(string key, string? token)
    {
        if (token is not null) _specialTokens[key] = token;
    }
}
