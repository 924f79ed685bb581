namespace DeepSeek.Sdk.Tokenization;

/// <summary>One message of a conversation, as chat templates see it: <c>role</c> ("system", "user",
/// "assistant", "tool") and <c>content</c>, plus any other fields a template reads (for example
/// <c>tool_calls</c> or <c>reasoning_content</c>) in <see cref="Fields"/>.</summary>
public sealed record ChatTurn(string Role, string Content)
{
    public IReadOnlyDictionary<string, object?>? Fields { get; init; }

    public static ChatTurn System(string content) => new("system", content);

    public static ChatTurn User(string content) => new("user", content);

    public static ChatTurn Assistant(string content) => new("assistant", content);

    /// <summary>The message as the template's <c>messages[i]</c> mapping.</summary>
    public IReadOnlyDictionary<string, object?> ToTemplateValue()
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal) { ["role"] = Role, ["content"] = Content };
        if (Fields is not null)
            foreach (var (key, value) in Fields) map[key] = value;
        return map;
    }
}
