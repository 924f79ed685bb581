using System.Diagnostics;
using DeepSeek.Sdk.Tokenization.Templates;

namespace DeepSeek.Sdk.Core.Tests.Tokenization.Templates;

/// <summary>
/// Rendering an untrusted template ends within bounded time and memory: loops, ranges, strings, lists and the
/// work of one render are limited, each breach a one-line <see cref="TemplateLimitExceededException"/> naming the
/// template, the line and column, and the option; and a render can be cancelled.
/// </summary>
public sealed class ChatTemplateLimitTests
{
    private static readonly Dictionary<string, object?> NoVariables = new();

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>Renders <paramref name="source"/> (after a first line, so locations are checked) and returns the limit error.</summary>
    private static TemplateLimitExceededException RenderBreach(string source, string limit, TemplateLimits? limits = null)
    {
        var template = ChatTemplate.Parse("\n" + source, "probe", limits);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        var error = Assert.Throws<TemplateLimitExceededException>(() => template.Render(NoVariables, TestContext.Current.CancellationToken));
        watch.Stop();
        Assert.Equal(limit, error.LimitName);
        Assert.Equal(2, error.Line);
        Assert.StartsWith("probe, line 2, column ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith($"(TemplateLimits.{limit} = {error.LimitValue})", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        // The bound is an answer within 2 s; each probe takes well under a second on an idle machine, and the
        // test allows for a loaded one while still catching the minutes these probes took before.
        Assert.True(watch.Elapsed < Patience, $"{source[..Math.Min(60, source.Length)]} took {watch.Elapsed}");
        // ... and without the memory the template asked for: whatever a render allocates, live or garbage, is
        // within its work budget (plus loop frames and the last operation's result).
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.True(allocated < template.Limits.MaxProcessedBytes + (64L << 20), $"{source[..Math.Min(60, source.Length)]} allocated {allocated >> 20} MB");
        LastAllocatedBytes = allocated;
        return error;
    }

    private static long LastAllocatedBytes { get; set; }

    [Fact]
    public void Nested_loops_over_a_million_items_are_refused_by_the_range_limit()
    {
        // The probe: nested range(10**6) loops hung with no way to cancel.
        var error = RenderBreach("{% for i in range(10**6) %}{% for j in range(10**6) %}{{ i }}{% endfor %}{% endfor %}", nameof(TemplateLimits.MaxRangeLength));
        Assert.Equal(13, error.Column);
        Assert.Contains("range() of 1000000 items is longer than 100000", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_loops_within_the_range_limit_stop_at_the_iteration_budget()
    {
        var error = RenderBreach("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", nameof(TemplateLimits.MaxLoopIterations));
        Assert.Equal(32, error.Column); // the inner for tag, whose iteration passed the budget
        Assert.Equal(1_000_000, error.LimitValue);
        // A loop's frame is reused from one iteration to the next: a million iterations allocate little more than their items.
        Assert.True(LastAllocatedBytes < 64 << 20, $"allocated {LastAllocatedBytes >> 20} MB");
    }

    [Fact]
    public void A_loops_if_clause_counts_against_the_iteration_budget()
    {
        RenderBreach("{% for i in range(100000) %}{% for j in range(100000) if false %}{% endfor %}{% endfor %}", nameof(TemplateLimits.MaxLoopIterations));
    }

    [Fact]
    public void Iteration_limit_is_an_option()
    {
        var template = ChatTemplate.Parse("{% for i in range(10) %}{{ i }}{% endfor %}", "t", new TemplateLimits { MaxLoopIterations = 10 });
        Assert.Equal("0123456789", template.Render(NoVariables, TestContext.Current.CancellationToken));
        var tighter = template.WithLimits(new TemplateLimits { MaxLoopIterations = 9 });
        Assert.Equal(9, Assert.Throws<TemplateLimitExceededException>(() => tighter.Render(NoVariables, TestContext.Current.CancellationToken)).LimitValue);
    }

    [Fact]
    public void A_long_render_stops_when_cancelled()
    {
        var unbounded = new TemplateLimits { MaxLoopIterations = long.MaxValue, MaxProcessedBytes = long.MaxValue };
        var template = ChatTemplate.Parse("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "t", unbounded);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancellation.CancelAfter(TimeSpan.FromMilliseconds(100));
        var watch = Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => template.Render(NoVariables, cancellation.Token));
        Assert.True(watch.Elapsed < Patience, $"cancellation took {watch.Elapsed}");
    }

    [Fact]
    public void A_cancelled_token_stops_RenderChat_before_it_starts()
    {
        var template = ChatTemplate.Parse("{{ messages|length }}");
        Assert.ThrowsAny<OperationCanceledException>(() => template.RenderChat([], addGenerationPrompt: true, cancellationToken: new CancellationToken(canceled: true)));
    }

    [Theory]
    // The probes: 'x' * 2000000000 allocated 8 GB, and 'x' * 10**12 threw a raw OverflowException.
    [InlineData("{{ 'x' * 2000000000 }}", 8)]
    [InlineData("{{ 'x' * 10**12 }}", 8)]
    [InlineData("{{ 10**12 * 'xyz' }}", 11)]
    [InlineData("{{ 'x' * 9223372036854775807 }}", 8)]
    public void String_repetition_past_the_output_limit_is_refused_before_allocating(string source, int column)
    {
        var error = RenderBreach(source, nameof(TemplateLimits.MaxOutputLength));
        Assert.Equal(column, error.Column);
        Assert.Contains("string repetition would build a string of", error.Reason, StringComparison.Ordinal);
        Assert.True(LastAllocatedBytes < 1 << 20, $"allocated {LastAllocatedBytes} bytes");
    }

    [Theory]
    [InlineData("{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}")]
    [InlineData("{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}")]
    [InlineData("{% set s = 'x' * 5000000 %}{{ [s, s]|join }}")]
    [InlineData("{% set s = 'x' * 5000000 %}{{ [s, s]|join(s) }}")]
    [InlineData("{% set s = 'x' * 5000000 %}{{ s.join(['a', 'b', 'c']) }}")]
    [InlineData("{% set s = 'x' * 5000000 %}{{ s|replace('x', 'yy') }}")]
    [InlineData("{% set s = 'x' * 5000000 %}{{ s.replace('', '-') }}")]
    [InlineData("{{ 'a\\nb\\nc'|indent(5000000) }}")]
    [InlineData("{% set s = '\\n' * 1000000 %}{{ s|indent(10, blank=true) }}")]
    [InlineData("{{ [[[1]]]|tojson(indent=4000000) }}")]
    [InlineData("{% set s = '\\x01' * 2000000 %}{{ s|tojson }}")]
    [InlineData("{% set s = '\\x01' * 2500000 %}{{ [s]|string }}")]
    [InlineData("{% set s = 'x' * 5000000 %}{{ '%s%s' % (s, s) }}")]
    [InlineData("{% set s = 'x' * 5000000 %}{{ '{}{}'.format(s, s) }}")]
    [InlineData("{% set s = 'x' * 5000000 %}{{ [s, s] }}")]
    [InlineData("{% set s = '%B' * 3000000 %}{{ strftime_now(s) }}")]
    [InlineData("{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}")]
    [InlineData("{% set b %}{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}{% endset %}")]
    public void Every_string_a_render_builds_is_bounded_by_the_output_limit(string source)
    {
        RenderBreach(source, nameof(TemplateLimits.MaxOutputLength));
    }

    [Theory]
    [InlineData("{% set ns = namespace(l=[1]) %}{% for i in range(40) %}{% set ns.l = ns.l + ns.l %}{% endfor %}")]
    [InlineData("{% set s = 'x,' * 2000000 %}{{ s.split(',')|length }}")]
    [InlineData("{% set s = 'x ' * 2000000 %}{{ s.split()|length }}")]
    [InlineData("{% set s = 'x\\n' * 2000000 %}{{ s.splitlines()|length }}")]
    [InlineData("{% set s = 'x' * 2000000 %}{{ s|list|length }}")]
    [InlineData("{% set s = 'x' * 2000000 %}{% for c in s %}{% endfor %}")]
    public void Every_list_a_render_builds_is_bounded_by_the_list_limit(string source)
    {
        RenderBreach(source, nameof(TemplateLimits.MaxListLength));
    }

    [Theory]
    // Each operation is within the size limits, but repeated in a loop they would take minutes.
    [InlineData("{% set s = 'x' * 4000000 %}{% for i in range(100000) %}{% if 'y' in s %}{% endif %}{% endfor %}")]
    [InlineData("{% set s = 'x' * 4000000 %}{% for i in range(100000) %}{% set t = s ~ 'y' %}{% endfor %}")]
    [InlineData("{% set s = 'x' * 4000000 %}{% for i in range(100000) %}{% set n = s|length %}{% endfor %}")]
    [InlineData("{% set s = 'x' * 4000000 %}{% for i in range(100000) %}{% set c = s[-1] %}{% endfor %}")]
    [InlineData("{% set s = 'x' * 1000000 %}{% set ns = namespace(l=[]) %}{% for i in range(100000) %}{% set ns.l = ns.l + [s ~ i] %}{% endfor %}")]
    [InlineData("{% for i in range(100000) %}{% set x = range(100000)|selectattr('a')|list %}{% endfor %}")]
    [InlineData("{% set ns = namespace(l=['']) %}{% for i in range(17) %}{% set ns.l = ns.l + ns.l %}{% endfor %}{% for i in range(100000) %}{% set x = ''.join(ns.l) %}{% endfor %}")]
    public void Repeating_large_operations_in_a_loop_stops_at_the_work_budget(string source)
    {
        RenderBreach(source, nameof(TemplateLimits.MaxProcessedBytes));
    }

    // Lists of 2^20 references to one 4M-character string (and to an equal copy): cheap to build, but reading every
    // item is 8 TB.
    private const string ManyLongStrings =
        "{% set s = 'x' * 4000000 %}{% set copy = 'x' * 4000000 %}{% set ns = namespace(l=[s], m=[copy], d=[{'a': s}], t=(s,)) %}" +
        "{% for i in range(20) %}{% set ns.l = ns.l + ns.l %}{% set ns.m = ns.m + ns.m %}{% set ns.d = ns.d + ns.d %}{% set ns.t = ns.t + ns.t %}{% endfor %}" +
        "{% set other = 'x' * 3999999 ~ 'y' %}";

    [Theory]
    [InlineData("{{ other in ns.l }}")]
    [InlineData("{{ ns.l == ns.m }}")]
    [InlineData("{{ ns.d|selectattr('a', 'equalto', other)|list|length }}")]
    [InlineData("{{ ns.d|selectattr('a', 'lower')|list|length }}")]
    [InlineData("{{ ns.l|unique|list|length }}")]
    [InlineData("{{ ns.l|map('length')|list|length }}")]
    [InlineData("{{ (ns.l[1:] + [other])|sort|length }}")]
    [InlineData("{{ other.startswith(ns.t) }}")]
    public void One_operation_over_many_long_strings_stops_at_the_work_budget(string operation)
    {
        RenderBreach(ManyLongStrings + operation, nameof(TemplateLimits.MaxProcessedBytes));
    }

    [Fact]
    public void Membership_in_a_range_takes_constant_time()
    {
        const string source = "{% set ns = namespace(n=0) %}{% for i in range(1000) %}{% for j in range(999) %}{% if -1 in range(100000) or 2.5 in range(9) or 99998.0 not in range(0, 99999, 2) %}{% set ns.n = ns.n + 1 %}{% endif %}{% endfor %}{% endfor %}{{ ns.n }}";
        Assert.Equal("0", ChatTemplate.Parse(source).Render(NoVariables, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Type_tests_on_a_long_text_in_a_loop_cost_no_work()
    {
        const string source = "{% set s = 'x' * 4000000 %}{% for i in range(100000) %}{% if s is defined and s is string and s|default('') %}{% endif %}{% endfor %}ok";
        Assert.Equal("ok", ChatTemplate.Parse(source).Render(NoVariables, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("deepseek_v3")]
    [InlineData("qwen3")]
    [InlineData("llama3_1")]
    public void A_conversation_of_a_million_characters_renders_well_within_the_default_limits(string tokenizer)
    {
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "tokenizers", $"{tokenizer}.tokenizer_config.json")));
        string source = config.RootElement.GetProperty("chat_template").GetString()!;
        var messages = new List<IReadOnlyDictionary<string, object?>> { new Dictionary<string, object?> { ["role"] = "system", ["content"] = "Be brief." } };
        for (int i = 0; i < 2000; i++)
        {
            string content = new string((char)('a' + (i % 26)), 500);
            messages.Add(new Dictionary<string, object?>
            {
                ["role"] = i % 2 == 0 ? "user" : "assistant",
                ["content"] = i % 2 == 0 ? content : "<think>\nhmm\n</think>\n\n" + content,
            });
        }
        var extra = new Dictionary<string, object?> { ["bos_token"] = "<s>", ["eos_token"] = "</s>" };
        string text = ChatTemplate.Parse(source, tokenizer).RenderChat(messages, addGenerationPrompt: true, extra: extra, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(text.Length > 1_000_000);
        // The work budget's default assumes at most 18 bytes of work per output character: check it holds.
        var tight = new TemplateLimits { MaxProcessedBytes = 18L * text.Length };
        Assert.Equal(text, ChatTemplate.Parse(source, tokenizer, tight).RenderChat(messages, addGenerationPrompt: true, extra: extra, cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Template_source_longer_than_the_limit_is_refused_before_parsing()
    {
        string source = "ab\n" + new string('x', 2 << 20);
        var error = Assert.Throws<TemplateLimitExceededException>(() => ChatTemplate.Parse(source, "big"));
        Assert.Equal(nameof(TemplateLimits.MaxSourceLength), error.LimitName);
        Assert.Equal((2, (1 << 20) - 3 + 1), (error.Line, error.Column));
        Assert.Equal("big, line 2, column 1048574: the template is 2097155 characters long, longer than 1048576 (TemplateLimits.MaxSourceLength = 1048576)", error.Message);
    }

    [Fact]
    public void Adjacent_string_literals_join_in_linear_time()
    {
        // 'a' 'a' 'a' ... is one literal; joining 200,000 of them by repeated concatenation took quadratic time.
        string source = "{{ " + string.Concat(Enumerable.Repeat("'a' ", 200_000)) + "|length }}";
        var watch = Stopwatch.StartNew();
        Assert.Equal("200000", ChatTemplate.Parse(source).Render(NoVariables, TestContext.Current.CancellationToken));
        Assert.True(watch.Elapsed < Patience, $"took {watch.Elapsed}");
    }

    [Fact]
    public void Limits_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ChatTemplate.Parse("x", "t", new TemplateLimits { MaxLoopIterations = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChatTemplate.Parse("x").WithLimits(new TemplateLimits { MaxOutputLength = -1 }));
    }

    [Fact]
    public void A_range_prints_and_slices_as_in_Python()
    {
        string rendered = ChatTemplate.Parse("{{ range(3) }} {{ range(1, 7, 2) }} {{ range(10)[2:5] }} {{ range(0, 10, 3)[::2] }} {{ range(5)[::-1]|list }} {{ range(3) == range(0, 3) }} {{ range(3) == [0, 1, 2] }} {{ range(99999)|length }} {{ 4 in range(5) }}")
            .Render(NoVariables, TestContext.Current.CancellationToken);
        Assert.Equal("range(0, 3) range(1, 7, 2) range(2, 5) range(0, 12, 6) [4, 3, 2, 1, 0] True False 99999 True", rendered);
    }
}
