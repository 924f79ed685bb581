using System.Collections;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>A Python tuple: a read-only list that prints as <c>(a, b)</c>, e.g. the pairs of <c>items()</c>.</summary>
internal sealed class TemplateTuple(object?[] items) : IReadOnlyList<object?>
{
    public object? this[int index] => items[index];

    public int Count => items.Length;

    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => items.GetEnumerator();
}
