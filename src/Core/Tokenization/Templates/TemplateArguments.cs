namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// Evaluated arguments of a filter, test, method or function call, bound to Python-style
/// parameters by position or keyword; unexpected arguments are an error, not ignored.
/// </summary>
internal sealed class TemplateArguments(IReadOnlyList<object?> positional, IReadOnlyList<KeyValuePair<string, object?>> named)
{
    public static readonly TemplateArguments Empty = new([], []);

    public IReadOnlyList<object?> Positional => positional;

    public IReadOnlyList<KeyValuePair<string, object?>> Named => named;

    /// <summary>Checks that the call matches <paramref name="parameters"/> (in positional order).</summary>
    public TemplateArguments Expect(string callee, params string[] parameters)
    {
        if (positional.Count > parameters.Length)
        {
            throw new TemplateOperationException($"{callee}() takes at most {parameters.Length} argument(s), got {positional.Count}");
        }
        foreach (var (key, _) in named)
        {
            int index = Array.IndexOf(parameters, key);
            if (index < 0)
            {
                throw new TemplateOperationException($"{callee}() got an unexpected keyword argument '{key}'");
            }
            if (index < positional.Count)
            {
                throw new TemplateOperationException($"{callee}() got multiple values for argument '{key}'");
            }
        }
        return this;
    }

    public bool Has(int index, string name) => index < positional.Count || TryNamed(name, out _);

    public object? Get(int index, string name, object? fallback = null) =>
        index < positional.Count ? positional[index] : TryNamed(name, out var v) ? v : fallback;

    private bool TryNamed(string name, out object? value)
    {
        foreach (var (key, v) in named)
        {
            if (key == name)
            {
                value = v;
                return true;
            }
        }
        value = null;
        return false;
    }
}
