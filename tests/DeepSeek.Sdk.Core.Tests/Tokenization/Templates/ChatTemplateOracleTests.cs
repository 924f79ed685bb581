using System.Text.Json;
using DeepSeek.Sdk.Tokenization.Templates;

namespace DeepSeek.Sdk.Core.Tests.Tokenization.Templates;

/// <summary>
/// Every conversation in oracle/tokenizers/chat_templates.json, rendered by transformers'
/// apply_chat_template from the published tokenizer_config.json, must come out byte for byte.
/// </summary>
public sealed class ChatTemplateOracleTests
{
    private static readonly string FixtureRoot = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureRoot, "oracle", "tokenizers", "chat_templates.json")));
        foreach (var tokenizer in doc.RootElement.EnumerateObject())
        {
            for (int i = 0; i < tokenizer.Value.GetArrayLength(); i++)
            {
                data.Add(tokenizer.Name, i);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Renders_conversation_exactly_as_transformers(string tokenizer, int index)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureRoot, "tokenizers", $"{tokenizer}.tokenizer_config.json")));
        using var cases = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureRoot, "oracle", "tokenizers", "chat_templates.json")));
        var testCase = cases.RootElement.GetProperty(tokenizer)[index];

        var template = ChatTemplate.Parse(config.RootElement.GetProperty("chat_template").GetString()!, tokenizer);
        var messages = new List<IReadOnlyDictionary<string, object?>>();
        foreach (var message in testCase.GetProperty("messages").EnumerateArray())
        {
            messages.Add((IReadOnlyDictionary<string, object?>)TemplateValue.FromJson(message)!);
        }
        IReadOnlyList<object?>? tools = testCase.TryGetProperty("tools", out var toolsJson)
            ? (IReadOnlyList<object?>)TemplateValue.FromJson(toolsJson)!
            : null;

        string rendered = template.RenderChat(messages, testCase.GetProperty("add_generation_prompt").GetBoolean(), tools, SpecialTokens(config.RootElement), TestContext.Current.CancellationToken);

        AssertSameText(testCase.GetProperty("text").GetString()!, rendered);
    }

    /// <summary>bos_token, eos_token, ... as transformers passes them: plain strings or AddedToken content.</summary>
    private static Dictionary<string, object?> SpecialTokens(JsonElement config)
    {
        var tokens = new Dictionary<string, object?>();
        foreach (string name in new[] { "bos_token", "eos_token", "pad_token", "unk_token" })
        {
            if (config.TryGetProperty(name, out var token) && token.ValueKind != JsonValueKind.Null)
            {
                tokens[name] = token.ValueKind == JsonValueKind.String ? token.GetString() : token.GetProperty("content").GetString();
            }
        }
        return tokens;
    }

    internal static void AssertSameText(string expected, string actual)
    {
        if (expected == actual)
        {
            return;
        }
        int at = 0;
        while (at < expected.Length && at < actual.Length && expected[at] == actual[at])
        {
            at++;
        }
        Assert.Fail($"first difference at char {at}:\n expected …{Escape(expected, at)}\n   actual …{Escape(actual, at)}");
    }

    private static string Escape(string s, int at)
    {
        int from = Math.Max(0, at - 20);
        return JsonSerializer.Serialize(s.Substring(from, Math.Min(60, s.Length - from)));
    }
}
