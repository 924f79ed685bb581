namespace DeepSeek.Sdk.Configs;

/// <summary>The config's <c>model_type</c> names an architecture this SDK does not implement.</summary>
public sealed class UnsupportedModelException : ConfigException
{
    public UnsupportedModelException(string modelType, string filePath, IReadOnlyList<string> supported)
        : base($"model_type '{modelType}' is not supported; supported: {string.Join(", ", supported)}", filePath, "model_type")
    {
        ModelType = modelType;
        Supported = supported;
    }

    public string ModelType { get; }

    public IReadOnlyList<string> Supported { get; }
}
