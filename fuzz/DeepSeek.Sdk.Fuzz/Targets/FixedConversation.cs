namespace DeepSeek.Sdk.Fuzzing;

/// <summary>The conversation every fuzzed chat template renders: each role a published template branches on (system, user,
/// an assistant turn with reasoning and a tool call, the tool's answer), one tool, and the special tokens and options
/// transformers passes. Fixed, so that a finding replays identically.</summary>
public static class FixedConversation
{
    /// <summary>Pinned so that <c>strftime_now</c> renders the same text in every run.</summary>
    public static readonly DateTime Clock = new(2025, 1, 20, 12, 34, 56, DateTimeKind.Local);

    public static IReadOnlyList<IReadOnlyDictionary<string, object?>> Messages { get; } =
    [
        Message("system", "You are a helpful assistant. Answer briefly."),
        Message("user", "What is the weather in Paris? Think first. 多语言 ok? 😀"),
        new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["role"] = "assistant",
            ["content"] = "<think>\nThe user wants the weather.\n</think>\n\nLet me check.",
            ["reasoning_content"] = "The user wants the weather.",
            ["tool_calls"] = new object?[]
            {
                new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["id"] = "call_0",
                    ["type"] = "function",
                    ["function"] = new Dictionary<string, object?>(StringComparer.Ordinal)
                    {
                        ["name"] = "get_weather",
                        ["arguments"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["city"] = "Paris", ["days"] = 2L },
                    },
                },
            },
        },
        new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["role"] = "tool",
            ["tool_call_id"] = "call_0",
            ["name"] = "get_weather",
            ["content"] = "{\"temperature\": 21.5, \"sky\": \"clear\"}",
        },
        Message("user", "Thanks!\n  And tomorrow?"),
    ];

    public static IReadOnlyList<object?> Tools { get; } =
    [
        new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["type"] = "function",
            ["function"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["name"] = "get_weather",
                ["description"] = "The weather forecast of a city.",
                ["parameters"] = new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["type"] = "object",
                    ["properties"] = new Dictionary<string, object?>(StringComparer.Ordinal)
                    {
                        ["city"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["type"] = "string" },
                        ["days"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["type"] = "integer", ["minimum"] = 1L },
                    },
                    ["required"] = new object?[] { "city" },
                },
            },
        },
    ];

    /// <summary>The special tokens and template options (DeepSeek-V3's tokens; Qwen3's <c>enable_thinking</c>).</summary>
    public static IReadOnlyDictionary<string, object?> Extra { get; } = new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["bos_token"] = "<｜begin▁of▁sentence｜>",
        ["eos_token"] = "<｜end▁of▁sentence｜>",
        ["pad_token"] = "<｜▁pad▁｜>",
        ["enable_thinking"] = true,
    };

    private static Dictionary<string, object?> Message(string role, string content) =>
        new(StringComparer.Ordinal) { ["role"] = role, ["content"] = content };
}
