using DeepSeek.Sdk.Fuzzing;

namespace DeepSeek.Sdk.Core.Tests.Fuzz;

/// <summary>The harness's verdicts, on which every fuzzing result rests: a typed refusal passes, anything else fails,
/// and so does a run that allocates past its budget or overflows what a 1 MB stack holds.</summary>
public sealed class FuzzExecutionTests
{
    private sealed class RefusedInput() : DeepSeekException("input.bin: refused");

    [Fact]
    public void A_typed_refusal_is_an_outcome_and_any_other_exception_escapes()
    {
        var refusing = new FuzzTarget("test", "", _ => throw new RefusedInput());
        var crashing = new FuzzTarget("test", "", _ => throw new IndexOutOfRangeException());

        Assert.Equal(FuzzOutcome.Accepted, FuzzExecution.Run(new FuzzTarget("test", "", _ => { }), []));
        Assert.Equal(FuzzOutcome.Refused, FuzzExecution.Run(refusing, [], out var refusal));
        Assert.IsType<RefusedInput>(refusal);
        Assert.Throws<IndexOutOfRangeException>(() => FuzzExecution.Run(crashing, []));
    }

    [Fact]
    public void A_run_over_its_allocation_budget_fails_even_when_it_ends_in_a_refusal()
    {
        var hungry = new FuzzTarget("test", "", _ =>
        {
            GC.KeepAlive(new byte[4 << 20]);
            throw new RefusedInput();
        }) { AllocationBudgetBytes = 1 << 20 };

        var e = Assert.Throws<FuzzBudgetExceededException>(() => FuzzExecution.Run(hungry, []));
        Assert.Contains("budget of 1,048,576 bytes", e.Message);
    }

    [Fact]
    public void Work_past_the_time_limit_is_reported_as_still_running()
    {
        using var release = new ManualResetEventSlim();
        Assert.Null(FuzzThread.Run(() => release.Wait(TimeSpan.FromSeconds(30)), TimeSpan.FromMilliseconds(50)));
        release.Set();
        Assert.NotNull(FuzzThread.Run(() => { }, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void The_target_thread_has_a_one_megabyte_stack()
    {
        // Recursion depth until the runtime reports the stack nearly full, on the target thread and on an 8 MB thread.
        int small = 0, large = 0;
        FuzzThread.Run(() => small = DepthUntilStackIsLow(0), TimeSpan.FromSeconds(30));
        var thread = new Thread(() => large = DepthUntilStackIsLow(0), 8 << 20);
        thread.Start();
        thread.Join();
        Assert.True(small > 0 && small * 4 < large, $"depth {small} on the target thread, {large} on an 8 MB thread");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static int DepthUntilStackIsLow(int depth)
    {
        Span<byte> frame = stackalloc byte[256];
        frame[depth & 255] = 1;
        return System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack()
            ? DepthUntilStackIsLow(depth + 1) + frame[depth & 255] - 1
            : depth;
    }
}
