using System.Runtime.CompilerServices;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// Python's hash and == for the hashable template values (None, bools, numbers, strings, tuples of those, and
/// objects by identity), so filters like <c>unique</c> can use a hash set as Python does: 1, 1.0 and True
/// are one key. Lists and dicts are unhashable, as in Python.
/// </summary>
internal sealed class HashKeyComparer(RenderBudget budget) : IEqualityComparer<object?>
{
    public static bool IsHashable(object? value, int depth) => value switch
    {
        TemplateTuple tuple => depth < 32 && tuple.All(item => IsHashable(item, depth + 1)),
        TemplateRange => true,
        IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> => false,
        _ => true,
    };

    public new bool Equals(object? x, object? y) => PythonOps.Equals(x, y, budget);

    public int GetHashCode(object? value) => value switch
    {
        null => 0,
        // Equal numbers hash alike across int, float and bool, as PythonOps.Equals compares them as doubles.
        bool or long or double => PythonOps.ToDouble(value).GetHashCode(),
        string s => StringHash(s),
        TemplateTuple tuple => TupleHash(tuple),
        TemplateRange range => HashCode.Combine(range.Count, range.Count == 0 ? 0 : range.Start, range.Count < 2 ? 0 : range.Step),
        Undefined => 1,
        _ => RuntimeHelpers.GetHashCode(value),
    };

    // Hashing reads the whole string (.NET does not cache string hashes), so it is charged as work.
    private int StringHash(string s)
    {
        budget.Charge(2L * s.Length);
        return StringComparer.Ordinal.GetHashCode(s);
    }

    private int TupleHash(TemplateTuple tuple)
    {
        var hash = new HashCode();
        foreach (var item in tuple)
        {
            hash.Add(GetHashCode(item));
        }
        return hash.ToHashCode();
    }
}
