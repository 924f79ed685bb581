namespace DeepSeek.Sdk.Fuzzing;

/// <summary>Runs one input through a target and sorts the ending: accepted, refused with a <see cref="DeepSeekException"/>
/// (both fine), or any other exception, which propagates (a crash to AFL, a failure to the replay test). A run that
/// allocates more than the target's budget throws <see cref="FuzzBudgetExceededException"/> whichever way it ended.</summary>
public static class FuzzExecution
{
    public static FuzzOutcome Run(FuzzTarget target, byte[] input) => Run(target, input, out _);

    public static FuzzOutcome Run(FuzzTarget target, byte[] input, out DeepSeekException? refusal)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(input);
        // Per thread, so that tests running in parallel do not charge each other; the targets parse on the calling thread.
        long before = GC.GetAllocatedBytesForCurrentThread();
        FuzzOutcome outcome;
        refusal = null;
        try
        {
            target.Run(input);
            outcome = FuzzOutcome.Accepted;
        }
        catch (DeepSeekException e)
        {
            refusal = e;
            outcome = FuzzOutcome.Refused;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > target.AllocationBudgetBytes)
            throw new FuzzBudgetExceededException(target.Name, allocated, target.AllocationBudgetBytes);
        return outcome;
    }
}
