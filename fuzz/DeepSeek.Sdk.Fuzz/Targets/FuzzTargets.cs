namespace DeepSeek.Sdk.Fuzzing;

/// <summary>Every fuzz target, by name.</summary>
public static class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        SafetensorsTarget.Create(),
        ConfigTarget.Create(),
        TokenizerTarget.Create(),
        JinjaTarget.Create(),
        ImageTargets.Png(),
        ImageTargets.Jpeg(),
    ];

    public static FuzzTarget? Find(string name)
    {
        foreach (var target in All)
            if (string.Equals(target.Name, name, StringComparison.Ordinal))
                return target;
        return null;
    }
}
