using System.Runtime.CompilerServices;
using System.Text.Json;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// Converts inputs into the values templates see: <c>null</c>, <c>bool</c>, <c>long</c>,
/// <c>double</c>, <c>string</c>, lists and string-keyed dictionaries (key order kept, since
/// <c>tojson</c> prints keys in insertion order).
/// </summary>
public static class TemplateValue
{
    /// <summary>A JSON value (a message, a tool schema) as a template value; integers stay integers.</summary>
    public static object? FromJson(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number:
                return element.TryGetInt64(out long l) ? l
                    : element.TryGetDouble(out double d) ? d
                    : throw new ArgumentException($"JSON number {element.GetRawText()} is out of a double's range", nameof(element));
            case JsonValueKind.Array:
                var list = new List<object?>(element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                {
                    list.Add(FromJson(item));
                }
                return list;
            case JsonValueKind.Object:
                var dict = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    dict[property.Name] = FromJson(property.Value);
                }
                return dict;
            default:
                throw new ArgumentException($"JSON value of kind {element.ValueKind} cannot be a template value", nameof(element));
        }
    }

    /// <summary>
    /// Checks and normalises a caller's value: int and other integers become long, float becomes
    /// double, lists and dictionaries are copied. Anything else is rejected, naming where it was, and so is
    /// a value nested deeper than <paramref name="maxDepth"/> (or one that contains itself).
    /// </summary>
    public static object? Normalize(object? value, string path = "value", int maxDepth = 100) => Normalize(value, path, maxDepth, 0);

    private static object? Normalize(object? value, string path, int maxDepth, int depth)
    {
        switch (value)
        {
            case null or bool or long or double or string:
                return value;
            case int or short or sbyte or byte or ushort or uint:
                return Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
            case float f:
                return (double)f;
            case JsonElement json:
                return FromJson(json);
            case IReadOnlyDictionary<string, object?> or IReadOnlyList<object?> when depth >= maxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack():
                throw new ArgumentException($"{path}: nested deeper than {maxDepth} levels, or contains itself (TemplateLimits.MaxNestingDepth = {maxDepth})", nameof(value));
            case IReadOnlyDictionary<string, object?> dict:
                var copy = new OrderedDictionary<string, object?>(dict.Count, StringComparer.Ordinal);
                foreach (var (key, item) in dict)
                {
                    copy[key] = Normalize(item, $"{path}.{key}", maxDepth, depth + 1);
                }
                return copy;
            case IReadOnlyList<object?> list:
                var items = new object?[list.Count];
                for (int i = 0; i < items.Length; i++)
                {
                    items[i] = Normalize(list[i], $"{path}[{i}]", maxDepth, depth + 1);
                }
                return items;
            default:
                throw new ArgumentException($"{path}: a {value.GetType().Name} cannot be a template value; use null, bool, long, double, string, IReadOnlyList<object?> or IReadOnlyDictionary<string, object?>", nameof(value));
        }
    }
}
