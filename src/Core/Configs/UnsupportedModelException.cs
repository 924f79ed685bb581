namespace DeepSeek.Sdk.Configs;

/// <summary>The config's <c>model_type</c> names an architecture this SDK does not implement, or its
/// <c>architectures</c> names only model classes (a classification head, say) this SDK does not implement for it.</summary>
public sealed class UnsupportedModelException : ConfigException
{
    public UnsupportedModelException(string modelType, string filePath, IReadOnlyList<string> supported)
        : this(modelType, filePath, supported, "model_type", $"model_type '{modelType}' is not supported; supported: {string.Join(", ", supported)}")
    {
    }

    /// <param name="supported">What <paramref name="field"/> may say instead.</param>
    public UnsupportedModelException(string modelType, string filePath, IReadOnlyList<string> supported, string field, string message)
        : base(message, filePath, field)
    {
        ModelType = modelType;
        Supported = supported;
    }

    public string ModelType { get; }

    public IReadOnlyList<string> Supported { get; }
}
