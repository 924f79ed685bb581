namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// A variable frame. Each for-loop iteration gets a fresh child, so a plain <c>set</c> inside a
/// loop neither survives to the next iteration nor leaks out (jinja2 scoping; the reason templates
/// use <c>namespace()</c>), while <c>if</c> bodies share their enclosing frame.
/// </summary>
internal sealed class TemplateScope(TemplateScope? parent)
{
    private readonly Dictionary<string, object?> _variables = new(StringComparer.Ordinal);

    public bool TryGet(string name, out object? value)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            if (scope._variables.TryGetValue(name, out value))
            {
                return true;
            }
        }
        value = null;
        return false;
    }

    public void Set(string name, object? value) => _variables[name] = value;

    /// <summary>Forgets this frame's variables, so one frame serves every iteration of a loop as a fresh one.</summary>
    public void Clear() => _variables.Clear();

    public TemplateScope? Parent => parent;
}
