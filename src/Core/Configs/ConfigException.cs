namespace DeepSeek.Sdk.Configs;

/// <summary>A config.json is unusable: a required field is missing, a field has the wrong JSON type or an
/// out-of-range value, or two fields contradict each other. The message names the file and the field
/// (dotted for nested blocks, e.g. <c>rope_scaling.factor</c>).</summary>
public class ConfigException : DeepSeekException
{
    public ConfigException(string message, string filePath, string? field = null, Exception? inner = null)
        : base(field is null ? $"{filePath}: {message}" : $"{filePath}: field '{field}': {message}", inner)
    {
        FilePath = filePath;
        Field = field;
    }

    public string FilePath { get; }

    public string? Field { get; }
}
