using System.Text.Json;

namespace DeepSeek.Cli.Verification;

/// <summary>A fixture folder in the oracle's format: a model case (config.json, model.safetensors,
/// case.json, expected.safetensors) or the tokenizers case (encodings.json, chat_templates.json).</summary>
public sealed class CaseFolder
{
    private CaseFolder(string path, string? modelType)
    {
        Path = path;
        ModelType = modelType;
    }

    public string Path { get; }

    /// <summary>config.json's <c>model_type</c>, or null when the folder has no config.json.</summary>
    public string? ModelType { get; }

    public string Name => System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(Path));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public bool Has(string name) => System.IO.File.Exists(File(name));

    /// <exception cref="DirectoryNotFoundException">There is no such folder.</exception>
    public static CaseFolder Open(string path)
    {
        if (!Directory.Exists(path)) throw new DirectoryNotFoundException($"Case folder '{path}' does not exist.");
        string config = System.IO.Path.Combine(path, "config.json");
        string? modelType = null;
        if (System.IO.File.Exists(config))
        {
            try
            {
                using var doc = JsonDocument.Parse(System.IO.File.ReadAllBytes(config));
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("model_type", out var mt) && mt.ValueKind == JsonValueKind.String)
                    modelType = mt.GetString();
            }
            catch (JsonException e)
            {
                throw new Commands.CommandException($"{config} is not valid JSON: {e.Message}");
            }
        }
        return new CaseFolder(System.IO.Path.GetFullPath(path), modelType);
    }
}
