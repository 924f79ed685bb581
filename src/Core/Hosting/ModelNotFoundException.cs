namespace DeepSeek.Sdk.Hosting;

/// <summary>A model named by <see cref="DefaultModels"/> is in none of the folders searched. A
/// <see cref="DirectoryNotFoundException"/>, so callers that treat a missing model folder as the user's error catch it
/// the same way.</summary>
public sealed class ModelNotFoundException : DirectoryNotFoundException
{
    public ModelNotFoundException(string modelName, IReadOnlyList<string> searchedDirectories, string? remedy = null)
        : base(Describe(modelName, searchedDirectories, remedy))
    {
        ModelName = modelName;
        SearchedDirectories = searchedDirectories;
    }

    /// <summary>The model looked for, e.g. deepseek-r1-tiny.</summary>
    public string ModelName { get; }

    /// <summary>Where it was looked for, in order.</summary>
    public IReadOnlyList<string> SearchedDirectories { get; }

    private static string Describe(string name, IReadOnlyList<string> searched, string? remedy)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(searched);
        var places = new List<string>(searched.Count);
        foreach (string directory in searched) places.Add(Path.Combine(directory, name));
        return $"The model '{name}' was not found: none of {string.Join(", ", places)} holds a config.json. "
            + $"{(remedy is null ? "Give a model folder" : char.ToUpperInvariant(remedy[0]) + remedy[1..])}, reference DeepSeek.Sdk.Models (it puts the shipped models in models/ next to the application), "
            + $"or list a folder that holds {name} in {DefaultModels.SearchPathVariable}.";
    }
}
