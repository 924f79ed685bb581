using System.Text.Json;
using DeepSeek.Sdk.Tokenization;
using DeepSeek.Sdk.Tokenization.Templates;

namespace DeepSeek.Cli.Verification;

/// <summary>The oracle's <c>tokenizers</c> case: for each tokenizer named in encodings.json, every
/// reference id list reproduced exactly, every recorded round trip (decode(encode(text)) == text, or
/// not) the same, and every conversation in chat_templates.json rendered exactly.</summary>
public sealed class TokenizersCaseVerifier : ICaseVerifier
{
    public string Kind => "tokenizers";

    public bool CanVerify(CaseFolder folder) => folder.Has("encodings.json");

    public IReadOnlyList<CheckResult> Verify(CaseFolder folder, VerifyOptions options, CancellationToken cancellationToken)
    {
        string dir = options.TokenizersDirectory
            ?? throw new Commands.UsageException("The tokenizers case needs --tokenizers <dir> holding <name>.tokenizer.json[.gz] and <name>.tokenizer_config.json.");
        using var encodings = JsonDocument.Parse(File.ReadAllBytes(folder.File("encodings.json")));
        using var templates = folder.Has("chat_templates.json") ? JsonDocument.Parse(File.ReadAllBytes(folder.File("chat_templates.json"))) : null;
        var texts = encodings.RootElement.GetProperty("texts").EnumerateArray().Select(t => t.GetString()!).ToArray();

        var results = new List<CheckResult>();
        foreach (var entry in encodings.RootElement.GetProperty("encodings").EnumerateObject())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var tokenizer = Load(dir, entry.Name);
            results.Add(CheckEncodings(entry.Name, tokenizer, texts, entry.Value));
            results.Add(CheckRoundTrips(entry.Name, tokenizer, texts, entry.Value));
            if (templates is not null && templates.RootElement.TryGetProperty(entry.Name, out var conversations))
                results.Add(CheckChatTemplates(entry.Name, tokenizer, conversations));
        }
        return results;
    }

    private static Tokenizer Load(string dir, string name)
    {
        string json = Path.Combine(dir, $"{name}.tokenizer.json");
        if (!File.Exists(json)) json += ".gz";
        if (!File.Exists(json)) throw new FileNotFoundException($"No {name}.tokenizer.json or {name}.tokenizer.json.gz in '{dir}'.");
        string config = Path.Combine(dir, $"{name}.tokenizer_config.json");
        return Tokenizer.FromFiles(json, File.Exists(config) ? config : null);
    }

    private static CheckResult CheckEncodings(string name, Tokenizer tokenizer, string[] texts, JsonElement reference)
    {
        int matched = 0;
        string? first = null;
        int i = 0;
        foreach (var expected in reference.GetProperty("ids").EnumerateArray())
        {
            var ids = tokenizer.Encode(texts[i]);
            var want = expected.EnumerateArray().Select(e => e.GetInt32()).ToArray();
            if (ids.AsSpan().SequenceEqual(want)) matched++;
            else first ??= $"text {i}: got [{string.Join(",", ids.Take(12))}...], want [{string.Join(",", want.Take(12))}...]";
            i++;
        }
        return CheckResult.ForExact($"{name} encode", matched, i, first);
    }

    private static CheckResult CheckRoundTrips(string name, Tokenizer tokenizer, string[] texts, JsonElement reference)
    {
        int matched = 0, i = 0;
        string? first = null;
        foreach (var expected in reference.GetProperty("decoded_ok").EnumerateArray())
        {
            bool ours = tokenizer.Decode(tokenizer.Encode(texts[i])) == texts[i];
            if (ours == expected.GetBoolean()) matched++;
            else first ??= $"text {i}: round trip {(ours ? "holds" : "fails")} here, {(ours ? "fails" : "holds")} in the reference";
            i++;
        }
        return CheckResult.ForExact($"{name} round trip", matched, i, first);
    }

    private static CheckResult CheckChatTemplates(string name, Tokenizer tokenizer, JsonElement conversations)
    {
        var formatter = ChatFormatter.FromTokenizer(tokenizer);
        int matched = 0, i = 0;
        string? first = null;
        foreach (var conversation in conversations.EnumerateArray())
        {
            var messages = conversation.GetProperty("messages").EnumerateArray()
                .Select(m => (IReadOnlyDictionary<string, object?>)TemplateValue.FromJson(m)!).ToArray();
            IReadOnlyList<object?>? tools = conversation.TryGetProperty("tools", out var t) ? (IReadOnlyList<object?>)TemplateValue.FromJson(t)! : null;
            string rendered = formatter.Render(messages, conversation.GetProperty("add_generation_prompt").GetBoolean(), tools);
            if (rendered == conversation.GetProperty("text").GetString()) matched++;
            else first ??= $"conversation {i} differs";
            i++;
        }
        return CheckResult.ForExact($"{name} chat template", matched, i, first);
    }
}
