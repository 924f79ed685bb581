namespace DeepSeek.Sdk.Hosting;

/// <summary>
/// The models DeepSeek.Sdk ships, found by name when no model folder is given: the CLI without <c>--model</c> and
/// <c>services.AddDeepSeek()</c> without <see cref="DeepSeekOptions.ModelPath"/> serve <see cref="R1Tiny"/>.
/// A model <c>name</c> is found in the first of these folders that holds <c>name/config.json</c>:
/// <list type="number">
/// <item>each folder listed in the <see cref="SearchPathVariable"/> environment variable (separated by
/// <see cref="Path.PathSeparator"/>), so a deployment can keep models apart from the binaries;</item>
/// <item><c>models/</c> next to the application (<see cref="AppContext.BaseDirectory"/>), where referencing the
/// DeepSeek.Sdk.Models project or package puts <c>models/deepseek-r1-tiny/</c>.</item>
/// </list>
/// Nothing is downloaded: a model that is in none of them is a <see cref="ModelNotFoundException"/> naming every
/// folder searched.
/// </summary>
public static class DefaultModels
{
    /// <summary>deepseek-r1-tiny: DeepseekV3ForCausalLM (MLA, 8-expert MoE), 11.1M parameters in BF16, trained by
    /// the project to answer arithmetic, comparison, sorting, letter-counting and unit-conversion questions
    /// R1-style (a <c>&lt;think&gt;</c> trace, then the answer). docs/models.md describes it.</summary>
    public const string R1Tiny = "deepseek-r1-tiny";

    /// <summary>janus-pro-tiny: JanusForConditionalGeneration at small size (vision tower, aligner, VQ tokenizer and decoder,
    /// generation head; 8.2M parameters in BF16), trained by the project on 64x64 pictures of coloured shapes: it answers
    /// which shape, which colour and where, and draws the shape and colours a prompt asks for. The default of <c>AddVision()</c>; docs/models.md describes it.</summary>
    public const string JanusTiny = "janus-pro-tiny";

    /// <summary>The model served when none is named.</summary>
    public const string Default = R1Tiny;

    /// <summary>Environment variable listing extra folders to search before the application's own <c>models/</c>.</summary>
    public const string SearchPathVariable = "DEEPSEEK_SDK_MODELS";

    /// <summary>The folders searched, in order (see the type's summary); they need not exist.</summary>
    public static IReadOnlyList<string> SearchDirectories()
    {
        var directories = new List<string>();
        if (Environment.GetEnvironmentVariable(SearchPathVariable) is { Length: > 0 } list)
            foreach (string entry in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                directories.Add(Path.GetFullPath(entry));
        directories.Add(Path.Combine(AppContext.BaseDirectory, "models"));
        return directories;
    }

    /// <summary>The folder of the shipped model <paramref name="name"/>, from <see cref="SearchDirectories"/>.</summary>
    /// <param name="remedy">What the caller's user can do instead, ending the exception's message (e.g. "pass --model &lt;folder&gt;").</param>
    /// <exception cref="ModelNotFoundException">No searched folder holds <c>name/config.json</c>.</exception>
    public static string Resolve(string name = Default, string? remedy = null) => Resolve(name, SearchDirectories(), remedy);

    /// <summary>The folder of the model <paramref name="name"/> in the first of <paramref name="searchDirectories"/> that
    /// holds <c>name/config.json</c>.</summary>
    /// <exception cref="ModelNotFoundException">None does; the exception lists them.</exception>
    public static string Resolve(string name, IReadOnlyList<string> searchDirectories, string? remedy = null) =>
        TryResolve(name, searchDirectories) ?? throw new ModelNotFoundException(name, searchDirectories, remedy);

    /// <summary>As <see cref="Resolve(string, IReadOnlyList{string}, string?)"/>, but null when no folder holds the model.</summary>
    public static string? TryResolve(string name, IReadOnlyList<string> searchDirectories)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(searchDirectories);
        // A name, not a path: it must not lead out of the folders searched.
        if (name is "." or ".." || name.IndexOfAny([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar]) >= 0)
            throw new ArgumentException($"'{name}' is not a model name (a folder name without separators).", nameof(name));
        foreach (string directory in searchDirectories)
        {
            string candidate = Path.Combine(directory, name);
            if (File.Exists(Path.Combine(candidate, "config.json"))) return Path.GetFullPath(candidate);
        }
        return null;
    }
}
