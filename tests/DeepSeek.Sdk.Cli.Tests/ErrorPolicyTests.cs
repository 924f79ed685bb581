using System.Reflection;
using System.Runtime.CompilerServices;
using DeepSeek.Cli.Commands;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Generation;

namespace DeepSeek.Sdk.Cli.Tests;

/// <summary>One error policy for every verb (<see cref="CliErrors"/>): a wrong command line exits 2, wrong input (the
/// SDK's typed exceptions, files) exits 1 with one <c>error:</c> line and no stack trace, anything else is a bug: the
/// stack trace, a request to report it, exit 70.</summary>
public sealed class ErrorPolicyTests
{
    private static bool HasStackTrace(string output) => output.Contains("   at ", StringComparison.Ordinal);

    private static string[] ErrorLines(string output) =>
        [.. output.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal))];

    [Fact]
    public async Task A_value_the_parser_cannot_read_exits_2_with_one_error_line_and_a_pointer_to_help()
    {
        var (rc, output) = await CliRunner.Run("generate", "--threads", "abc", "Hello");
        Assert.Equal(ExitCodes.Usage, rc);
        Assert.Single(ErrorLines(output));
        Assert.Contains("'abc'", output);
        Assert.Contains("hint: deepseek generate --help", output);
        Assert.False(HasStackTrace(output), output);
    }

    [Fact]
    public async Task An_unknown_option_exits_2()
    {
        var (rc, output) = await CliRunner.Run("reason", "--max-token", "5", "What is 2+2?");
        Assert.Equal(ExitCodes.Usage, rc);
        Assert.Contains("error: Unrecognized command or argument", output);
        Assert.Contains("hint: deepseek reason --help", output);
    }

    [Fact]
    public async Task A_config_the_sdk_refuses_is_one_error_line_exit_1_without_a_stack_trace()
    {
        using var model = new CraftedModel().EditConfig(c => c["hidden_size"] = "wide");
        var (rc, output, elapsed) = await CliRunner.Timed("reason", "--model", model.Path, "What is 2+2?");
        Assert.Equal(ExitCodes.UserError, rc);
        Assert.Contains("hidden_size", Assert.Single(ErrorLines(output)));
        Assert.False(HasStackTrace(output), output);
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"{elapsed}");
    }

    [Fact]
    public async Task A_template_that_does_not_parse_is_one_error_line_naming_its_line_before_any_weights_load()
    {
        using var model = new CraftedModel().WithChatTemplate("{% for message in messages %}{{ message['content'] }");
        var (rc, output) = await CliRunner.Run("generate", "--model", model.Path, "--chat", "Hello");
        Assert.Equal(ExitCodes.UserError, rc);
        Assert.Contains("line 1", Assert.Single(ErrorLines(output)));
        Assert.Contains("hint: the chat template is the model folder's", output);
        Assert.DoesNotContain("loaded ", output);
        Assert.False(HasStackTrace(output), output);
    }

    [Fact]
    public async Task A_template_that_raises_stops_reason_with_its_message_as_the_error()
    {
        using var model = new CraftedModel().WithChatTemplate("{{ raise_exception('this model answers no questions') }}");
        var (rc, output) = await CliRunner.Run("reason", "--model", model.Path, "What is 2+2?");
        Assert.Equal(ExitCodes.UserError, rc);
        Assert.Contains("this model answers no questions", Assert.Single(ErrorLines(output)));
        Assert.False(HasStackTrace(output), output);
    }

    [Fact]
    public async Task A_missing_model_folder_says_so_and_points_at_the_model_option()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"deepseek-no-such-model-{Guid.NewGuid():N}");
        foreach (string[] args in new[] { new[] { "generate", "q" }, ["reason", "q"], ["chat"], ["tokenize", "q"] })
        {
            var (rc, output) = await CliRunner.Run([.. args, "--model", missing]);
            Assert.Equal(ExitCodes.UserError, rc);
            Assert.Contains($"'{missing}' does not exist", output);
            Assert.Contains("hint: --model names a model folder", output);
        }
    }

    [Fact]
    public async Task An_argument_exception_from_inside_is_a_bug_with_its_stack_trace_and_exit_70()
    {
        var writer = new StringWriter();
        int rc = await CliErrors.InvokeAsync(CliRunner.CaptureConsole(writer),
            () => throw new ArgumentException("an internal contract was broken"), TestContext.Current.CancellationToken);
        string output = writer.ToString();
        Assert.Equal(ExitCodes.Software, rc);
        Assert.Contains("error: internal error: System.ArgumentException: an internal contract was broken", output);
        Assert.True(HasStackTrace(output), output);
        Assert.Contains("This is a bug in deepseek", output);
    }

    [Fact]
    public async Task An_invalid_operation_from_inside_is_a_bug_too()
    {
        var writer = new StringWriter();
        int rc = await CliErrors.InvokeAsync(CliRunner.CaptureConsole(writer),
            () => Task.FromException<int>(new InvalidOperationException("state that cannot happen")), TestContext.Current.CancellationToken);
        Assert.Equal(ExitCodes.Software, rc);
        Assert.True(HasStackTrace(writer.ToString()));
    }

    [Fact]
    public async Task A_failure_wrapped_by_a_parallel_loop_is_judged_by_what_it_wraps()
    {
        var writer = new StringWriter();
        int rc = await CliErrors.InvokeAsync(CliRunner.CaptureConsole(writer),
            () => throw new AggregateException(new ConfigException("must be positive.", "config.json", "hidden_size")), TestContext.Current.CancellationToken);
        Assert.Equal(ExitCodes.UserError, rc);
        Assert.Equal("error: config.json: field 'hidden_size': must be positive.", writer.ToString().TrimEnd());
    }

    [Fact]
    public async Task Cancelling_a_run_exits_130_without_an_error()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var (rc, output) = await CliRunner.Run(cancelled.Token, "generate", "--max-tokens", "4", "Hello");
        Assert.Equal(ExitCodes.Cancelled, rc);
        Assert.Contains("(cancelled)", output);
        Assert.DoesNotContain("error:", output);
    }

    [Fact]
    public void Every_typed_sdk_exception_is_a_user_error()
    {
        var types = new[] { typeof(DeepSeekException).Assembly, typeof(Text.TextModels).Assembly, typeof(Reasoning.ReasoningPipeline).Assembly, typeof(Vision.Janus.JanusModel).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => typeof(DeepSeekException).IsAssignableFrom(t) && !t.IsAbstract)
            .ToList();
        Assert.Contains(typeof(ContextLengthExceededException), types);
        foreach (var type in types)
        {
            var e = (Exception)RuntimeHelpers.GetUninitializedObject(type);
            Assert.True(CliErrors.AsUserError(e) is { ExitCode: ExitCodes.UserError }, type.FullName);
        }
    }

    [Fact]
    public void Files_that_cannot_be_read_are_user_errors_and_so_is_running_out_of_memory()
    {
        Assert.Equal(ExitCodes.UserError, CliErrors.AsUserError(new FileNotFoundException("no such file", "x.png"))?.ExitCode);
        Assert.Equal(ExitCodes.UserError, CliErrors.AsUserError(new UnauthorizedAccessException("denied"))?.ExitCode);
        Assert.Equal(ExitCodes.UserError, CliErrors.AsUserError(new OutOfMemoryException())?.ExitCode);
        Assert.Null(CliErrors.AsUserError(new NullReferenceException()));
        Assert.Null(CliErrors.AsUserError(new TargetInvocationException(new ArgumentException())));
    }
}
