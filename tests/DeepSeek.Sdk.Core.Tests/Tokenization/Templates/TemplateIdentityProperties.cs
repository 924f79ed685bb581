using System.Globalization;
using System.Text.Json;
using CsCheck;
using DeepSeek.Sdk.Core.Tests.Tokenization;
using DeepSeek.Sdk.Tokenization.Templates;

namespace DeepSeek.Sdk.Core.Tests.Tokenization.Templates;

/// <summary>Identities Jinja (as transformers runs it, on Python values) guarantees, checked with CsCheck over random
/// values: printing is <c>str</c>, a loop that joins equals <c>join</c>, <c>tojson</c> parses back to the value, string
/// indexing and <c>length</c> count code points, whitespace control removes exactly the template's whitespace, and a
/// <c>namespace</c> accumulates like a Python variable. Values hold arbitrary Unicode, including template syntax, which
/// must print as text.</summary>
public sealed class TemplateIdentityProperties
{
    private const int Iterations = 300;

    private static readonly Gen<string> s_text = UnicodeTextGen.Text(24);

    private static readonly Gen<object?> s_scalar = Gen.Frequency(
        (1, Gen.Const((object?)null)),
        (2, Gen.Bool.Select(b => (object?)b)),
        (4, Gen.Long[-1_000_000_000_000, 1_000_000_000_000].Select(l => (object?)l)),
        (2, Gen.Double[-1e6, 1e6].Select(d => (object?)d)),
        (5, s_text.Select(s => (object?)s)));

    /// <summary>JSON-shaped values: scalars, lists and string-keyed dictionaries, nested up to three levels.</summary>
    private static readonly Gen<object?> s_value = Gen.Recursive<object?>((depth, inner) => depth >= 3
        ? s_scalar
        : Gen.Frequency(
            (6, s_scalar),
            (2, inner.Array[0, 4].Select(items => (object?)items)),
            (2, Gen.Select(s_text.Array[0, 4], inner.Array[4], (keys, values) => (object?)Dictionary(keys, values)))));

    [Fact]
    public void Printing_a_value_renders_its_Python_str()
    {
        var template = ChatTemplate.Parse("{{ x }}");
        Gen.Frequency(
            (5, s_text.Select(s => ((object?)s, s))),
            (3, Gen.Long.Select(l => ((object?)l, l.ToString(CultureInfo.InvariantCulture)))),
            (1, Gen.Bool.Select(b => ((object?)b, b ? "True" : "False"))),
            (1, Gen.Const(((object?)null, "None"))))
        .Sample(pair => Assert.Equal(pair.Item2, template.Render(Variables(("x", pair.Item1)))), iter: Iterations, threads: 1);
    }

    [Fact]
    public void A_loop_that_prints_a_separator_between_items_equals_join()
    {
        var loop = ChatTemplate.Parse("{% for item in items %}{{ item }}{% if not loop.last %}{{ sep }}{% endif %}{% endfor %}");
        var filter = ChatTemplate.Parse("{{ items | join(sep) }}");
        Gen.Select(s_text.Array[0, 8], s_text).Sample((items, sep) =>
        {
            var variables = Variables(("items", items), ("sep", sep));
            Assert.Equal(string.Join(sep, items), loop.Render(variables));
            Assert.Equal(string.Join(sep, items), filter.Render(variables));
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void Tojson_parses_back_to_the_value()
    {
        var plain = ChatTemplate.Parse("{{ value | tojson }}");
        var indented = ChatTemplate.Parse("{{ value | tojson(indent=2) }}");
        s_value.Sample(value =>
        {
            foreach (var template in new[] { plain, indented })
            {
                string json = template.Render(Variables(("value", value)));
                using var document = JsonDocument.Parse(json);
                AssertJsonEquals(value, document.RootElement, json);
            }
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void Length_and_indexing_count_code_points_as_Python_does()
    {
        var length = ChatTemplate.Parse("{{ s | length }}");
        var reversed = ChatTemplate.Parse("{{ s[::-1] }}");
        var last = ChatTemplate.Parse("{{ s[-1] if s else '' }}");
        s_text.Sample(s =>
        {
            var runes = s.EnumerateRunes().ToArray();
            var variables = Variables(("s", s));
            Assert.Equal(runes.Length.ToString(CultureInfo.InvariantCulture), length.Render(variables));
            Assert.Equal(string.Concat(runes.Reverse().Select(r => r.ToString())), reversed.Render(variables));
            Assert.Equal(runes.Length == 0 ? "" : runes[^1].ToString(), last.Render(variables));
        }, iter: Iterations, threads: 1, print: UnicodeTextGen.Escape);
    }

    [Fact]
    public void Whitespace_control_strips_the_template_text_around_a_tag_and_nothing_else()
    {
        var whitespace = Gen.OneOf(" ", "\t", "\n", "\r\n").Array[0, 6].Select(parts => string.Concat(parts));
        Gen.Select(whitespace, whitespace, s_text).Sample((before, after, value) =>
        {
            var template = ChatTemplate.Parse($"A{before}{{{{- x -}}}}{after}B{before}{{{{ x }}}}{after}C");
            Assert.Equal($"A{value}B{before}{value}{after}C", template.Render(Variables(("x", value))));
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void A_namespace_accumulates_a_sum_and_a_concatenation_across_loop_iterations()
    {
        var template = ChatTemplate.Parse(
            "{% set ns = namespace(total=0, text='') %}{% for n in numbers %}{% set ns.total = ns.total + n %}{% set ns.text = ns.text ~ n %}{% endfor %}{{ ns.total }}|{{ ns.text }}");
        Gen.Long[-1_000_000, 1_000_000].Array[0, 12].Sample(numbers =>
        {
            string expected = $"{numbers.Sum().ToString(CultureInfo.InvariantCulture)}|{string.Concat(numbers.Select(n => n.ToString(CultureInfo.InvariantCulture)))}";
            Assert.Equal(expected, template.Render(Variables(("numbers", numbers.Cast<object?>().ToArray()))));
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void An_if_follows_Python_truthiness()
    {
        var template = ChatTemplate.Parse("{% if x %}T{% else %}F{% endif %}|{{ 'T' if not not x else 'F' }}");
        s_value.Sample(value =>
        {
            string t = Truthy(value) ? "T" : "F";
            Assert.Equal($"{t}|{t}", template.Render(Variables(("x", value))));
        }, iter: Iterations, threads: 1);
    }

    private static bool Truthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        object?[] list => list.Length > 0,
        IReadOnlyDictionary<string, object?> dict => dict.Count > 0,
        _ => throw new ArgumentException(value.GetType().Name),
    };

    private static Dictionary<string, object?> Dictionary(string[] keys, object?[] values)
    {
        var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (int i = 0; i < keys.Length; i++)
            dict[keys[i]] = values[i];
        return dict;
    }

    private static Dictionary<string, object?> Variables(params (string Name, object? Value)[] pairs)
    {
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in pairs)
            variables[name] = value is string[] strings ? strings.Cast<object?>().ToArray() : value;
        return variables;
    }

    private static void AssertJsonEquals(object? expected, JsonElement actual, string json)
    {
        switch (expected)
        {
            case null:
                Assert.True(actual.ValueKind == JsonValueKind.Null, json);
                break;
            case bool b:
                Assert.True(actual.ValueKind == (b ? JsonValueKind.True : JsonValueKind.False), json);
                break;
            case long l:
                Assert.True(actual.TryGetInt64(out long parsed) && parsed == l, json);
                break;
            case double d:
                Assert.True(actual.ValueKind == JsonValueKind.Number && actual.GetDouble() == d, $"{d:R} became {json}");
                break;
            case string s:
                Assert.True(actual.ValueKind == JsonValueKind.String && actual.GetString() == s, $"{UnicodeTextGen.Escape(s)} became {json}");
                break;
            case object?[] list:
                Assert.True(actual.ValueKind == JsonValueKind.Array && actual.GetArrayLength() == list.Length, json);
                for (int i = 0; i < list.Length; i++)
                    AssertJsonEquals(list[i], actual[i], json);
                break;
            case Dictionary<string, object?> dict:
                Assert.True(actual.ValueKind == JsonValueKind.Object && actual.EnumerateObject().Count() == dict.Count, json);
                foreach (var (key, value) in dict)
                    AssertJsonEquals(value, actual.GetProperty(key), json);
                break;
            default:
                throw new ArgumentException(expected.GetType().Name);
        }
    }
}
