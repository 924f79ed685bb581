using System.Text.Json;
using DeepSeek.Sdk.Tokenization.Templates;

namespace DeepSeek.Sdk.Core.Tests.Tokenization.Templates;

/// <summary>
/// A template is untrusted code: however deeply it nests, parsing and rendering must fail with a typed error
/// naming the location and <see cref="TemplateLimits.MaxNestingDepth"/>, never end the process with a stack overflow.
/// </summary>
public sealed class ChatTemplateDepthTests
{
    private static readonly Dictionary<string, object?> NoVariables = new();

    public static TheoryData<string, string> DeepTemplates() => new()
    {
        // The probes of issue 15: 5000 nested parentheses (10 KB) and 20,000 nested ifs ended the process.
        { "parentheses", "{{ " + new string('(', 5000) + "1" + new string(')', 5000) + " }}" },
        { "ifs", string.Concat(Enumerable.Repeat("{% if true %}", 20_000)) + "x" + string.Concat(Enumerable.Repeat("{% endif %}", 20_000)) },
        { "lists", "{{ " + new string('[', 5000) + new string(']', 5000) + " }}" },
        { "dicts", "{{ " + string.Concat(Enumerable.Repeat("{'k': ", 5000)) + "1" + new string('}', 5000) + " }}" },
        { "calls", "{{ " + string.Concat(Enumerable.Repeat("range(", 5000)) + "1" + new string(')', 5000) + " }}" },
        { "unary_minus", "{{ " + string.Concat(Enumerable.Repeat("- ", 20_000)) + "1 }}" },
        { "not", "{{ " + string.Concat(Enumerable.Repeat("not ", 20_000)) + "x }}" },
        // Left-associative chains build trees as deep as they are long, which the renderer would recurse through.
        { "addition_chain", "{{ 1" + string.Concat(Enumerable.Repeat(" + 1", 100_000)) + " }}" },
        { "filter_chain", "{{ 'a'" + string.Concat(Enumerable.Repeat("|lower", 100_000)) + " }}" },
        { "attribute_chain", "{{ x" + string.Concat(Enumerable.Repeat(".a", 100_000)) + " }}" },
        { "inline_if_chain", "{{ 1" + string.Concat(Enumerable.Repeat(" if x else 2", 50_000)) + " }}" },
        { "for_loops", string.Concat(Enumerable.Repeat("{% for i in x %}", 20_000)) + string.Concat(Enumerable.Repeat("{% endfor %}", 20_000)) },
        { "block_sets", string.Concat(Enumerable.Repeat("{% set a %}", 20_000)) + string.Concat(Enumerable.Repeat("{% endset %}", 20_000)) },
    };

    [Theory]
    [MemberData(nameof(DeepTemplates))]
    public void Deeply_nested_template_is_rejected_at_parse_time_naming_the_depth_limit(string construct, string source)
    {
        var error = Assert.Throws<TemplateLimitExceededException>(() => ChatTemplate.Parse("\n" + source, construct));
        Assert.Equal(nameof(TemplateLimits.MaxNestingDepth), error.LimitName);
        Assert.Equal(TemplateLimits.Default.MaxNestingDepth, error.LimitValue);
        Assert.Equal(2, error.Line);
        Assert.StartsWith($"{construct}, line 2, column {error.Column}: the template nests deeper than 100 levels", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("(TemplateLimits.MaxNestingDepth = 100)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Template_with_5000_nested_parentheses_is_rejected_at_the_parenthesis_past_the_limit()
    {
        string source = "{{ " + new string('(', 5000) + "1" + new string(')', 5000) + " }}";
        var error = Assert.Throws<TemplateLimitExceededException>(() => ChatTemplate.Parse(source, "deep"));
        // The output expression is level 1 and each parenthesis opens one more: the expression inside the 100th
        // parenthesis, which starts at the 101st, is level 101.
        Assert.Equal((1, 3 + 101), (error.Line, error.Column));
    }

    [Fact]
    public void Nesting_up_to_the_limit_parses_and_renders()
    {
        int depth = TemplateLimits.Default.MaxNestingDepth;
        string parentheses = "{{ " + new string('(', depth - 1) + "7" + new string(')', depth - 1) + " }}";
        Assert.Equal("7", ChatTemplate.Parse(parentheses).Render(NoVariables, TestContext.Current.CancellationToken));
        string ifs = string.Concat(Enumerable.Repeat("{% if true %}", depth)) + "x" + string.Concat(Enumerable.Repeat("{% endif %}", depth));
        Assert.Equal("x", ChatTemplate.Parse(ifs).Render(NoVariables, TestContext.Current.CancellationToken));
        Assert.Throws<TemplateLimitExceededException>(() => ChatTemplate.Parse("{% if true %}" + ifs + "{% endif %}"));
    }

    [Fact]
    public void The_depth_limit_is_an_option()
    {
        string source = "{{ ((((1)))) }}";
        Assert.Equal("1", ChatTemplate.Parse(source, "t", new TemplateLimits { MaxNestingDepth = 5 }).Render(NoVariables, TestContext.Current.CancellationToken));
        var error = Assert.Throws<TemplateLimitExceededException>(() => ChatTemplate.Parse(source, "t", new TemplateLimits { MaxNestingDepth = 4 }));
        Assert.EndsWith("(TemplateLimits.MaxNestingDepth = 4)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_deepest_template_the_default_allows_renders_on_a_thread_with_a_1_MB_stack()
    {
        // Nested parentheses cost the most stack a level (about 3 KB before the JIT optimizes the parser); the
        // default depth must leave a 1 MB stack (the default on Windows) far from full.
        int depth = TemplateLimits.Default.MaxNestingDepth;
        string source = "{{ " + new string('(', depth - 1) + "1" + new string(')', depth - 1) + " }}";
        string? rendered = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                rendered = ChatTemplate.Parse(source).Render(NoVariables);
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, maxStackSize: 1024 * 1024);
        thread.Start();
        thread.Join();
        Assert.Null(failure);
        Assert.Equal("1", rendered);
    }

    [Fact]
    public void A_thread_with_too_little_stack_for_the_allowed_depth_fails_typed_instead_of_crashing()
    {
        // MaxNestingDepth raised far past what a 256 KB stack holds: the stack check behind the depth count answers.
        var limits = new TemplateLimits { MaxNestingDepth = 1_000_000 };
        string source = "{{ " + new string('(', 5000) + "1" + new string(')', 5000) + " }}";
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                ChatTemplate.Parse(source, "t", limits);
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, maxStackSize: 256 * 1024);
        thread.Start();
        thread.Join();
        var error = Assert.IsType<TemplateLimitExceededException>(failure);
        Assert.Contains("too little stack", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Published_templates_nest_well_within_the_default_depth()
    {
        // The deepest published template measured (DeepSeek-V3/R1's, with its 12-term concatenation inside four
        // blocks) needs 16 levels; a quarter of the default must be enough for every fixture.
        var limits = new TemplateLimits { MaxNestingDepth = TemplateLimits.Default.MaxNestingDepth / 4 };
        string fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "tokenizers");
        foreach (string name in new[] { "deepseek_v3", "qwen3", "llama3_1" })
        {
            using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixtures, $"{name}.tokenizer_config.json")));
            ChatTemplate.Parse(config.RootElement.GetProperty("chat_template").GetString()!, name, limits);
        }
    }

    [Fact]
    public void A_value_that_contains_itself_fails_typed_when_printed_or_serialized()
    {
        foreach (string print in new[] { "{{ ns }}", "{{ ns|tojson }}", "{{ ns.items() }}", "{{ ns|string }}", "{{ '%r' % ns }}" })
        {
            var template = ChatTemplate.Parse("{% set ns = namespace(a=1) %}{% set ns.self = [ns] %}" + print, "cycle");
            var error = Assert.Throws<TemplateLimitExceededException>(() => template.Render(NoVariables, TestContext.Current.CancellationToken));
            Assert.Equal(nameof(TemplateLimits.MaxNestingDepth), error.LimitName);
            Assert.Contains("contains itself", error.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_value_nested_deeper_than_the_limit_by_a_loop_fails_typed_when_compared_or_printed()
    {
        const string build = "{% set ns = namespace(l=[], m=[]) %}{% for i in range(50000) %}{% set ns.l = [ns.l] %}{% set ns.m = [ns.m] %}{% endfor %}";
        foreach (string use in new[] { "{{ ns.l }}", "{{ ns.l == ns.m }}", "{{ ns.l < ns.m }}", "{{ ns.l|tojson }}", "{{ ns.l in [ns.m] }}" })
        {
            var error = Assert.Throws<TemplateLimitExceededException>(() => ChatTemplate.Parse(build + use).Render(NoVariables, TestContext.Current.CancellationToken));
            Assert.Equal(nameof(TemplateLimits.MaxNestingDepth), error.LimitName);
        }
    }

    [Fact]
    public void An_error_quoting_a_value_that_contains_itself_stays_one_short_line()
    {
        var template = ChatTemplate.Parse("{% set ns = namespace() %}{% set ns.self = ns %}{% for a, b in [ns] %}{% endfor %}", "cycle");
        var error = Assert.Throws<TemplateRuntimeException>(() => template.Render(NoVariables, TestContext.Current.CancellationToken));
        Assert.Contains("cannot unpack <Namespace {'self': <Namespace {'self': ", error.Reason, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 300, error.Message);
    }

    [Fact]
    public void Variables_nested_deeper_than_the_limit_or_containing_themselves_are_rejected_with_their_path()
    {
        var cyclic = new List<object?>();
        cyclic.Add(cyclic);
        var error = Assert.Throws<ArgumentException>(() => ChatTemplate.Parse("{{ x }}").Render(new Dictionary<string, object?> { ["x"] = cyclic }, TestContext.Current.CancellationToken));
        Assert.Contains("x[0][0]", error.Message, StringComparison.Ordinal);
        Assert.Contains("TemplateLimits.MaxNestingDepth = 100", error.Message, StringComparison.Ordinal);
    }
}
