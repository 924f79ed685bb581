using DeepSeek.Sdk.Tokenization.Templates;

namespace DeepSeek.Sdk.Core.Tests.Tokenization.Templates;

/// <summary>Unsupported or malformed templates fail loudly, naming the template, line and column.</summary>
public sealed class ChatTemplateErrorTests
{
    [Theory]
    [InlineData("a\n{{ x | shout }}", 2, 8, "unknown filter 'shout'")]
    [InlineData("a\nb\n{% if x is prime %}{% endif %}", 3, 12, "unknown test 'prime'")]
    [InlineData("{% macro m() %}{% endmacro %}", 1, 4, "unknown or unexpected tag 'macro'")]
    [InlineData("{{ x.shout() }}", 1, 6, "unknown method 'shout'")]
    [InlineData("{{ shout(1) }}", 1, 4, "unknown function 'shout'")]
    [InlineData("\n{% for m in messages %}{{ m }}", 2, 31, "the 'for' tag opened on line 2 is missing {% endfor %}")]
    [InlineData("{% for m in messages %}\n{% endif %}", 2, 4, "the 'for' tag on line 1 expects 'else' or 'endfor'")]
    [InlineData("{% if x %}{% endfor %}", 1, 14, "the 'if' tag on line 1 expects 'elif' or 'else' or 'endif'")]
    [InlineData("{{ 'abc }}", 1, 4, "unterminated string literal")]
    [InlineData("{{ x ", 1, 1, "unterminated tag")]
    [InlineData("{# note", 1, 1, "unterminated comment")]
    [InlineData("{% break %}", 1, 4, "'break' outside of a for loop")]
    [InlineData("{{ x ; y }}", 1, 6, "unexpected character ';'")]
    [InlineData("{{ x.99999999999999999999 }}", 1, 6, "integer literal 99999999999999999999 does not fit in 64 bits")]
    public void Unsupported_or_malformed_template_is_a_syntax_error_naming_the_location(string source, int line, int column, string reason)
    {
        var error = Assert.Throws<TemplateSyntaxException>(() => ChatTemplate.Parse(source, "my_template"));
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.StartsWith($"my_template, line {line}, column {column}: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{{ u.a }}", "'u' is undefined")]
    [InlineData("{{ u['a'] }}", "'u' is undefined")]
    [InlineData("{{ 1 + 'a' }}", "unsupported operand type(s) for +: 'int' and 'str'")]
    [InlineData("{{ [1].strip() }}", "'list object' has no attribute 'strip'")]
    [InlineData("{{ 'a' < 1 }}", "'<' not supported between instances of 'str' and 'int'")]
    [InlineData("{{ 9223372036854775807 + 1 }}", "integer overflow")]
    [InlineData("{{ 'x'|tojson(ensure_ascii=true) }}", "ensure_ascii=True")]
    [InlineData("{{ 'x'.split('a', 1, 2) }}", "split() takes at most 2 argument(s)")]
    [InlineData("{% set n = 1 %}{% set n.a = 2 %}", "non-namespace object 'n'")]
    public void Invalid_operation_is_a_runtime_error_naming_the_location(string source, string reason)
    {
        var template = ChatTemplate.Parse("\n" + source, "my_template");
        var error = Assert.Throws<TemplateRuntimeException>(() => template.Render(new Dictionary<string, object?>(), TestContext.Current.CancellationToken));
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Unsupported_variable_type_is_rejected_with_its_path()
    {
        var template = ChatTemplate.Parse("{{ messages }}");
        var variables = new Dictionary<string, object?> { ["messages"] = new object?[] { new Dictionary<string, object?> { ["content"] = new Uri("http://x") } } };
        var error = Assert.Throws<ArgumentException>(() => template.Render(variables, TestContext.Current.CancellationToken));
        Assert.Contains("messages[0].content", error.Message, StringComparison.Ordinal);
    }
}
