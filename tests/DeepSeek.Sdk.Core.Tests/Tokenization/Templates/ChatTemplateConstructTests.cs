using DeepSeek.Sdk.Tokenization.Templates;

namespace DeepSeek.Sdk.Core.Tests.Tokenization.Templates;

/// <summary>
/// One case per construct. Expected outputs were rendered by jinja2 3.1.6 configured like
/// transformers (ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks, loopcontrols,
/// tojson = json.dumps(ensure_ascii=False)) with the same variables as <see cref="Variables"/>.
/// </summary>
public sealed class ChatTemplateConstructTests
{
    private static Dictionary<string, object?> Variables() => new()
    {
        ["d"] = new Dictionary<string, object?> { ["a"] = 1, ["b"] = new object?[] { 1, 2.5, null, true, "x" } },
        ["l"] = new object?[] { 3, 1, 2 },
        ["s"] = "Hello World",
        ["e"] = Array.Empty<object?>(),
        ["u8"] = "héllo 🌍",
    };

    [Theory]
    [InlineData("loop_variables", "{% for x in l %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }};{% endfor %}", "1032TrueFalse3;2121FalseFalse3;3210FalseTrue3;")]
    [InlineData("loop_filter_counts_only_kept_items", "{% for x in l if x > 1 %}{{ loop.index }}/{{ loop.length }}:{{ x }} {% endfor %}", "1/2:3 2/2:2 ")]
    [InlineData("loop_else_runs_when_empty", "{% for x in e %}x{% else %}empty{% endfor %}", "empty")]
    [InlineData("loop_unpacks_items", "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", "a=1;b=[1, 2.5, None, True, 'x'];")]
    [InlineData("loop_break_and_continue", "{% for x in [1,2,3,4,5] %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}", "13")]
    [InlineData("loop_previtem_nextitem_cycle", "{% for x in l %}{{ loop.previtem }}>{{ x }}>{{ loop.nextitem }}{{ loop.cycle('a','b') }} {% endfor %}", ">3>1a 3>1>2b 1>2>a ")]
    [InlineData("set_in_loop_does_not_leak", "{% set x = 5 %}{% for i in [1,2] %}{{ x }}{% set x = i %}{% endfor %}[{{ x }}]", "55[5]")]
    [InlineData("namespace_carries_state_out_of_loop", "{% set ns = namespace(n=0, s='') %}{% for i in l %}{% set ns.n = ns.n + i %}{% set ns.s = ns.s ~ i %}{% endfor %}{{ ns.n }} {{ ns.s }}", "6 312")]
    [InlineData("set_in_if_is_visible_after", "{% if true %}{% set y = 'yes' %}{% endif %}{{ y }}", "yes")]
    [InlineData("block_set_captures_output", "{% set block %}a{{ 1 + 1 }}b{% endset %}[{{ block }}]", "[a2b]")]
    [InlineData("tuple_set", "{% set a, b = 1, 2 %}{{ a }}{{ b }}", "12")]
    [InlineData("whitespace_control_and_trim_lstrip", "  {% if true %}\n  x\n  {% endif %}\n  {{- 'y' }}\n  {# c #}\nz  {{ 'w' -}}   \n  !", "  x\ny\nz  w!")]
    [InlineData("lstrip_disabled_by_plus", "  {%+ if true %}x{% endif %}", "  x")]
    [InlineData("comment_is_dropped", "a{# hidden {{ x }} #}b", "ab")]
    [InlineData("literals", "{{ 'it\\'s' }}|{{ \"a\\tb\" }}|{{ 1_000 }}|{{ 2.5e3 }}|{{ [1, 'a', none, true, False] }}|{{ {'k': 'v', 'n': 1} }}|{{ (1,) }}|{{ () }}|{{ None }}|{{ True }}", "it's|a\tb|1000|2500.0|[1, 'a', None, True, False]|{'k': 'v', 'n': 1}|(1,)|()|None|True")]
    [InlineData("python_repr_of_strings", "{{ ['it\\'s', \"a\\\"b\", 'x\\ny', 'é'] }}", "[\"it's\", 'a\"b', 'x\\ny', 'é']")]
    [InlineData("arithmetic", "{{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 10 / 4 }} {{ 10 / 2 }} {{ 2 ** 10 }} {{ 1 + 2.5 }} {{ 'ab' * 2 }} {{ [1] + [2] }} {{ 'a' + 'b' }} {{ -l[0] }} {{ 1 - 3 * 2 }}", "3 -4 2 2.5 5.0 1024 3.5 abab [1, 2] ab -3 -5")]
    [InlineData("float_repr", "{{ 1.0 }} {{ 1e20 }} {{ 0.0001 }} {{ 1e-5 }} {{ 1/3 }} {{ 0.1 + 0.2 }} {{ 1e16 }} {{ 1e15 }} {{ -0.0 }} {{ 123456789.125 }}", "1.0 1e+20 0.0001 1e-05 0.3333333333333333 0.30000000000000004 1e+16 1000000000000000.0 -0.0 123456789.125")]
    [InlineData("concatenation_uses_str", "{{ 'n=' ~ 1 ~ none ~ true ~ [1] ~ undefined_name }}", "n=1NoneTrue[1]")]
    [InlineData("comparisons", "{{ true == 1 }} {{ 1 == 1.0 }} {{ 'a' < 'b' }} {{ [1,2] < [1,3] }} {{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ 'a' != 'a' }} {{ none == none }} {{ 'x' == 1 }}", "True True True True True False False True False")]
    [InlineData("membership", "{{ 'ell' in s }} {{ 2 in l }} {{ 'a' in d }} {{ 'z' not in d }} {{ 5 not in l }}", "True True True True True")]
    [InlineData("boolean_operators_return_operands", "{{ 0 or 'x' }} {{ 'a' and 'b' }} {{ '' and 'b' }} {{ not none }} {{ not d }} {{ not e }}", "x b  True False True")]
    [InlineData("inline_if", "{{ 'y' if l else 'n' }}|{{ 'y' if e else 'n' }}|{{ 'y' if false }}|{{ 1 if 0 else 2 if 1 else 3 }}", "y|n||2")]
    [InlineData("subscripts_and_slices", "{{ s[::-1] }} {{ s[-1] }} {{ l[-1] }} {{ l[1:] }} {{ s[1:3] }} {{ l[::2] }} {{ l[:-1] }} {{ l[5] is defined }} {{ d['a'] }} {{ d.b[1] }} {{ u8[::-1] }} {{ u8[-1] }} {{ u8|length }}", "dlroW olleH d 2 [1, 2] el [3, 2] [3, 1] False 1 2.5 🌍 olléh 🌍 7")]
    [InlineData("undefined_is_empty_and_falsy", "[{{ nothing }}]{{ nothing is defined }}{{ d.zz is defined }}{{ nothing|length }}{% if nothing %}T{% else %}F{% endif %}{{ nothing is none }}", "[]FalseFalse0FFalse")]
    [InlineData("filters_text", "{{ '  x  '|trim }}|{{ 'xxaxx'|trim('x') }}|{{ s|upper }}|{{ s|lower }}|{{ 'hELLO wORLD'|capitalize }}|{{ 'a-b c'|title }}|{{ s|replace('o', '0') }}|{{ s|replace('o', '0', 1) }}|{{ 42|string }}|{{ s|length }}", "x|a|HELLO WORLD|hello world|Hello world|A-B C|Hell0 W0rld|Hell0 World|42|11")]
    [InlineData("filters_default", "{{ none|default('d') }}|{{ nothing|default('d') }}|{{ ''|default('d', true) }}|{{ ''|d('d') }}|{{ 0|default(5) }}", "None|d|d||0")]
    [InlineData("filters_sequences", "{{ l|first }} {{ l|last }} {{ l|join(',') }} {{ l|reverse|list }} {{ l|sort }} {{ l|sort(reverse=true) }} {{ d|dictsort }} {{ d|items|list }} {{ 'ab'|list }} {{ [1,1,2]|unique|list }} {{ l|length }} {{ d|count }}", "3 2 3,1,2 [2, 1, 3] [1, 2, 3] [3, 2, 1] [('a', 1), ('b', [1, 2.5, None, True, 'x'])] [('a', 1), ('b', [1, 2.5, None, True, 'x'])] ['a', 'b'] [1, 2] 3 2")]
    [InlineData("filters_numbers", "{{ 3.7|int }} {{ '12'|int }} {{ 'x'|int }} {{ 'x'|int(7) }} {{ '2.5'|float }} {{ -3|abs }} {{ 2.5|round }} {{ 2.567|round(2) }}", "3 12 0 7 2.5 3 2.0 2.57")]
    [InlineData("filters_map_select", "{{ [1,2,3]|map('string')|join('-') }} {{ [{'a':1},{'a':2}]|map(attribute='a')|list }} {{ [{'a':1},{'b':2}]|selectattr('a','defined')|list }} {{ [{'a':1},{'b':2}]|rejectattr('a','defined')|list }} {{ [{'r':'u'},{'r':'a'}]|selectattr('r','equalto','a')|list }} {{ [{'n':'x'},{'n':'y'}]|join(',', attribute='n') }}", "1-2-3 [1, 2] [{'a': 1}] [{'b': 2}] [{'r': 'a'}] x,y")]
    [InlineData("tojson", "{{ d|tojson }}|{{ d|tojson(indent=2) }}|{{ 'é\\n\"<'|tojson }}|{{ 1e20|tojson }}|{{ {}|tojson }}|{{ []|tojson(indent=2) }}|{{ {'b':1,'a':2}|tojson(sort_keys=true) }}|{{ (1,2)|tojson }}", "{\"a\": 1, \"b\": [1, 2.5, null, true, \"x\"]}|{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2.5,\n    null,\n    true,\n    \"x\"\n  ]\n}|\"é\\n\\\"<\"|1e+20|{}|[]|{\"a\": 2, \"b\": 1}|[1, 2]")]
    [InlineData("tests", "{{ 3 is number }} {{ true is number }} {{ 's' is iterable }} {{ 's' is sequence }} {{ d is mapping }} {{ l is mapping }} {{ l is sequence }} {{ 's' is string }} {{ 1 is string }} {{ none is none }} {{ true is true }} {{ 1 is true }} {{ false is false }} {{ 3 is odd }} {{ 4 is even }} {{ 9 is divisibleby 3 }} {{ 2 is equalto 2 }} {{ 2 is eq(3) }} {{ 2 is in l }} {{ 1 is integer }} {{ 1.0 is float }} {{ 'ab' is lower }} {{ x is not defined }}", "True True True True True False True True False True True False True True True True True False True True True True True")]
    [InlineData("string_methods", "{{ s.split() }} {{ s.split('o', 1) }} {{ s.rsplit('o', 1) }} {{ '  a  b '.split() }} {{ ' a b '.rsplit(None, 1) }} {{ '  x '.strip() }} {{ 'xxaxx'.strip('x') }} {{ 'xxaxx'.lstrip('x') }} {{ 'xxaxx'.rstrip('x') }} {{ s.startswith('He') }} {{ s.endswith(('x', 'ld')) }} {{ s.replace('l', 'L') }} {{ s.upper() }} {{ s.lower() }} {{ 'ab cd'.title() }} {{ s.find('o') }} {{ s.count('l') }} {{ ', '.join(['a','b']) }}", "['Hello', 'World'] ['Hell', ' World'] ['Hello W', 'rld'] ['a', 'b'] [' a', 'b'] x a axx xxa True True HeLLo WorLd HELLO WORLD hello world Ab Cd 4 3 a, b")]
    [InlineData("string_format", "{{ '{} and {name} and {}'.format(1, 2, name='n') }} {{ '{1}{0}'.format('a', 'b') }} {{ '%s-%d' % ('a', 3) }} {{ '%s!' % 'x' }} {{ '{{}}'.format() }}", "1 and n and 2 ba a-3 x! {}")]
    [InlineData("dict_methods", "{{ d.get('a') }} {{ d.get('z') }} {{ d.get('z', 3) }} {{ d.keys()|list }} {{ d.values()|list }} {{ d.items()|list }}", "1 None 3 ['a', 'b'] [1, [1, 2.5, None, True, 'x']] [('a', 1), ('b', [1, 2.5, None, True, 'x'])]")]
    [InlineData("range_and_dict_functions", "{{ range(3)|list }} {{ range(1, 7, 2)|list }} {{ range(3, 0, -1)|list }} {{ dict(a=1, b='x') }}", "[0, 1, 2] [1, 3, 5] [3, 2, 1] {'a': 1, 'b': 'x'}")]
    [InlineData("attribute_on_none_is_undefined", "{{ none.x is defined }}", "False")]
    [InlineData("qwen3_reasoning_split", "{% set c = '<think>\\nr\\n</think>\\n\\nok' %}{{ c.split('</think>')[-1].lstrip('\\n') }}|{{ c.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') }}", "ok|r")]
    [InlineData("dict_literal_printed_with_balanced_braces", "{{ {'a': {'b': 1}} }}", "{'a': {'b': 1}}")]
    public void Construct_renders_like_jinja(string construct, string template, string expected)
    {
        string rendered = ChatTemplate.Parse(template, construct).Render(Variables(), TestContext.Current.CancellationToken);
        ChatTemplateOracleTests.AssertSameText(expected, rendered);
    }

    [Fact]
    public void Generation_tag_from_transformers_renders_its_body()
    {
        Assert.Equal("a1b", ChatTemplate.Parse("{% generation %}a{{ 1 }}{% endgeneration %}b").Render(Variables(), TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Strftime_now_formats_the_template_clock()
    {
        var pinned = ChatTemplate.Parse("{{ strftime_now('%d %b %Y') }}").WithClock(static () => new DateTime(2024, 7, 26, 10, 0, 0));
        Assert.Equal("26 Jul 2024", pinned.Render(new Dictionary<string, object?>(), TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Raise_exception_throws_the_templates_message_with_its_location()
    {
        var template = ChatTemplate.Parse("line one\n{% if messages|length == 0 %}{{ raise_exception('No messages!') }}{% endif %}", "t");
        var error = Assert.Throws<TemplateRaisedException>(() => template.Render(new Dictionary<string, object?> { ["messages"] = Array.Empty<object?>() }, TestContext.Current.CancellationToken));
        Assert.Equal("No messages!", error.Reason);
        Assert.Equal(2, error.Line);
        Assert.Contains("t, line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parsed_template_renders_concurrently_with_independent_state()
    {
        var template = ChatTemplate.Parse("{% set ns = namespace(n=0) %}{% for i in range(k) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}");
        var results = new string[64];
        Parallel.For(0, results.Length, i => results[i] = template.Render(new Dictionary<string, object?> { ["k"] = i }, TestContext.Current.CancellationToken));
        for (int i = 0; i < results.Length; i++)
        {
            Assert.Equal((i * (i - 1) / 2).ToString(System.Globalization.CultureInfo.InvariantCulture), results[i]);
        }
    }
}
