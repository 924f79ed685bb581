using System.Text.Json.Nodes;

namespace DeepSeek.Sdk.Cli.Tests;

/// <summary>A copy of the shipped deepseek-r1-tiny (a real trained model, its tokenizer and R1's chat template) in a
/// temp folder, with config.json or tokenizer_config.json edited to hold what a stranger's model folder might:
/// a template that raises, a shorter context window, a field of the wrong type. models/ itself is never touched.</summary>
internal sealed class CraftedModel : IDisposable
{
    private readonly TempDirectory _directory = new();

    public CraftedModel()
    {
        string source = System.IO.Path.Combine(AppContext.BaseDirectory, "models", "deepseek-r1-tiny");
        foreach (string file in Directory.GetFiles(source))
            if (!file.EndsWith(".md", StringComparison.Ordinal)) File.Copy(file, _directory.File(System.IO.Path.GetFileName(file)));
    }

    public string Path => _directory.Path;

    /// <summary>R1-tiny's own chat template, as tokenizer_config.json ships it.</summary>
    public string ChatTemplate => TokenizerConfig()["chat_template"]!.GetValue<string>();

    public CraftedModel EditConfig(Action<JsonObject> edit) => Edit("config.json", edit);

    public CraftedModel EditTokenizerConfig(Action<JsonObject> edit) => Edit("tokenizer_config.json", edit);

    public CraftedModel WithChatTemplate(string template) => EditTokenizerConfig(c => c["chat_template"] = template);

    public void Dispose() => _directory.Dispose();

    private JsonObject TokenizerConfig() => JsonNode.Parse(File.ReadAllText(_directory.File("tokenizer_config.json")))!.AsObject();

    private CraftedModel Edit(string file, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(_directory.File(file)))!.AsObject();
        edit(json);
        File.WriteAllText(_directory.File(file), json.ToJsonString());
        return this;
    }
}
