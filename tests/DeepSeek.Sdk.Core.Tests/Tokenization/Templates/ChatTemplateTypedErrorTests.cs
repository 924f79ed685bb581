using System.Text;
using DeepSeek.Sdk.Tokenization.Templates;

namespace DeepSeek.Sdk.Core.Tests.Tokenization.Templates;

/// <summary>
/// Whatever a template does, rendering it either produces text or throws a <see cref="TemplateException"/>:
/// operations that used to leak .NET exceptions (OverflowException, DivideByZeroException, the comparer's
/// InvalidOperationException, ArgumentOutOfRangeException, IndexOutOfRangeException) or hang now answer as
/// Python does, or fail typed. Expected texts are Python 3 / jinja2 3.1 results.
/// </summary>
public sealed class ChatTemplateTypedErrorTests
{
    private static readonly Dictionary<string, object?> NoVariables = new();

    [Theory]
    [InlineData("{{ 2.5|round(100) }} {{ 1234.5|round(-2) }} {{ 1250.0|round(-2) }} {{ -2.5|round(-400) }}", "2.5 1200.0 1200.0 -0.0")]
    [InlineData("{{ (-9223372036854775807 - 1) % -1 }} {{ (-9223372036854775807 - 1) is divisibleby(-1) }}", "0 True")]
    [InlineData("{{ 1 ** 1000000000000000000 }} {{ (-1) ** 1000000000000000001 }} {{ 0 ** 0 }} {{ 3 ** 39 }}", "1 -1 1 4052555153018976267")]
    [InlineData("{{ '%d' % 9007199254740993 }} {{ '%d' % -2.7 }}", "9007199254740993 -2")]
    [InlineData("{{ [1, 2, 3][1::9223372036854775807] }} {{ [1, 2, 3][::-9223372036854775807 - 1] }} {{ 'abc'[::-9223372036854775807 - 1] }} {{ 'abc'[-9223372036854775807 - 1:] }}", "[2] [3] c abc")]
    [InlineData("{{ 'abc'.replace('', '-') }} {{ 'abc'.replace('', '-', 2) }} {{ 'aaa'.replace('a', 'bb', 2) }} {{ 'abab'.count('ab') }} {{ 'aaa'.rsplit('aa') }}", "-a-b-c- -a-bc bbbba 2 ['a', '']")]
    [InlineData("{{ 'a😀b'[1] }} {{ 'a😀b'[-1] }} {{ 'a😀b'|length }} {{ 'a😀b'[::-1] }} {{ 'a😀b'.find('b') }} {{ '😀' > '\uffff' }}", "😀 b 3 b😀a 2 True")]
    [InlineData("{{ ['B', 'b', 'a']|unique|list }} {{ ['B', 'b']|unique(case_sensitive=true)|list }} {{ [1, 1.0, true, 2]|unique|list }}", "['B', 'a'] ['B', 'b'] [1, 2]")]
    [InlineData("{{ 'x'|indent(-5) }}|{{ {'a': [1]}|tojson(indent=-1) }}|{{ 'a\\nb'|indent('> ') }}", "x|{\n\"a\": [\n1\n]\n}|a\n> b")]
    [InlineData("{{ 'a\\r\\nb\\rc\\x0bd\\n'.splitlines() }} {{ '  a  b '.split(None, 1) }} {{ ' a b  '.rsplit(None, 1) }}", "['a', 'b', 'c', 'd'] ['a', 'b '] [' a', 'b']")]
    [InlineData("{{ 'x' * -5 }}|{{ '' * 10**18 }}|{{ [] + [] }}|{{ range(0) }}", "||[]|range(0, 0)")]
    [InlineData("{% set ns = namespace(l=[]) %}{% set ns.l = [ns.l] %}{{ ns.l == ns.l }} {{ ns.l in [ns.l] }}", "True True")]
    public void Edge_cases_that_leaked_dotnet_exceptions_render_as_in_Python(string source, string expected)
    {
        Assert.Equal(expected, ChatTemplate.Parse(source).Render(NoVariables, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("{{ [1, 'a']|sort }}", "'<' not supported between instances of")]
    [InlineData("{{ -(-9223372036854775807 - 1) }}", "integer overflow")]
    [InlineData("{{ (-9223372036854775807 - 1)|abs }}", "integer overflow")]
    [InlineData("{{ (-9223372036854775807 - 1) // -1 }}", "integer overflow")]
    [InlineData("{{ 2 ** 64 }}", "integer overflow")]
    [InlineData("{{ 0 ** -1 }}", "0.0 cannot be raised to a negative power")]
    [InlineData("{{ 5 is divisibleby 0 }}", "integer division or modulo by zero")]
    [InlineData("{{ 1e300|int }}", "integer overflow")]
    [InlineData("{{ '%d' % 1e300 }}", "integer overflow")]
    [InlineData("{{ '%d' % (1e300 * 1e300) }}", "cannot convert float infinity to integer")]
    [InlineData("{{ [[1], [1]]|unique|list }}", "unhashable type: 'list'")]
    [InlineData("{{ range(3) + [1] }}", "unsupported operand type(s) for +: 'range' and 'list'")]
    [InlineData("{{ range(0, 10, 0) }}", "range() arg 3 must not be zero")]
    [InlineData("{{ range(3)|tojson }}", "Object of type range is not JSON serializable")]
    [InlineData("{{ range(3) < range(4) }}", "'<' not supported between instances of 'range' and 'range'")]
    [InlineData("{{ raise_exception('no ' ~ 'way') }}", "no way")]
    public void Invalid_operation_fails_with_a_template_runtime_error(string source, string reason)
    {
        var error = Assert.ThrowsAny<TemplateRuntimeException>(() => ChatTemplate.Parse(source, "t").Render(NoVariables, TestContext.Current.CancellationToken));
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_range_too_long_for_64_bits_is_a_limit_error_not_an_overflow()
    {
        var error = Assert.Throws<TemplateLimitExceededException>(() => ChatTemplate.Parse("{{ range(-9223372036854775807 - 1, 9223372036854775807) }}").Render(NoVariables, TestContext.Current.CancellationToken));
        Assert.Contains("range() of 18446744073709551615 items", error.Reason, StringComparison.Ordinal);
    }

    private static readonly string[] Fragments =
    [
        "{{ ", " }}", "{% ", " %}", "{%- ", " -%}", "{# c #}", "text", "\n", "if ", "elif ", "else", "endif", "for ", " in ", "endfor",
        "set ", " = ", "endset", "break", "continue", "x", "y", "ns", "ns.a", "namespace(a=1)", "messages", "loop.index", "loop.cycle(1)",
        "range(", "(", ")", "[", "]", "{", "}", ":", ",", ".", "'a'", "'%s'", "\"{}\"", "'\\u00e9'", "0", "1", "-1", "2.5", "9223372036854775807",
        "1e308", "none", "true", " + ", " - ", " * ", " / ", " // ", " % ", " ** ", " ~ ", " == ", " < ", " and ", " or ", "not ", " is ", "defined",
        " if ", " else ", "|", "length", "join(',')", "tojson", "sort", "unique", "list", "first", "last", "int", "round(", "indent(", "replace(",
        "items()", "dictsort", "map('string')", "selectattr('a')", "string", "trim", "title", ".split(", ".strip()", ".format(", ".get(", ".keys()",
        "raise_exception(", "dict(", "strftime_now('%d')", "abs", "reverse", "float", "count", "default(", "divisibleby ",
        "99999999999999999999", ".0", "[::-1]", "[1:]", "'\ud83d\ude00'", "'%d'", "**64", "* 10**9",
    ];

    [Fact]
    public void Random_templates_render_or_fail_with_a_template_exception_only()
    {
        // A seeded sweep over templates stitched from the grammar's pieces, under small limits so each finishes fast:
        // every outcome must be text or a TemplateException (a limit breach included), never another exception type.
        var limits = new TemplateLimits { MaxLoopIterations = 10_000, MaxOutputLength = 100_000, MaxListLength = 10_000, MaxRangeLength = 1000, MaxProcessedBytes = 10 << 20 };
        var random = new Random(15);
        var variables = new Dictionary<string, object?>
        {
            ["x"] = new object?[] { 1, "a", null },
            ["y"] = new Dictionary<string, object?> { ["a"] = 1, ["b"] = new object?[] { 2.5 } },
            ["messages"] = new object?[] { new Dictionary<string, object?> { ["role"] = "user", ["content"] = "hi" } },
        };
        int rendered = 0;
        for (int n = 0; n < 20_000; n++)
        {
            var source = new StringBuilder();
            int pieces = random.Next(1, 24);
            for (int i = 0; i < pieces; i++)
            {
                source.Append(Fragments[random.Next(Fragments.Length)]);
            }
            try
            {
                ChatTemplate.Parse(source.ToString(), "random", limits).Render(variables, TestContext.Current.CancellationToken);
                rendered++;
            }
            catch (TemplateException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"{JsonEscape(source.ToString())} threw {e.GetType().Name}: {e.Message}");
            }
        }
        // The sweep must reach the renderer, not only the parser's errors.
        Assert.True(rendered > 1000, $"only {rendered} of the random templates rendered");
    }

    private static string JsonEscape(string s) => System.Text.Json.JsonSerializer.Serialize(s);
}
