namespace DeepSeek.Sdk.Fuzzing;

/// <summary>One fuzzed parser: the code that takes an untrusted file's bytes through the SDK the way a host application
/// does when it loads a stranger's model folder or image. <see cref="Run"/> returns when the input is accepted and throws a
/// <see cref="DeepSeekException"/> when it is refused; anything else it throws, or a run past the time limit, is a defect.
/// The same code runs under AFL (fuzz/DeepSeek.Sdk.Fuzz) and in the replay test (tests/DeepSeek.Sdk.Core.Tests/Fuzz).</summary>
/// <param name="Name">The target's name on the command line and its folder under tests/Fixtures/fuzz and fuzz/findings.</param>
/// <param name="Description">What an input is, in one line (printed by <c>DeepSeek.Sdk.Fuzz list</c>).</param>
/// <param name="Run">Takes one input through the parser and whatever consumes its result.</param>
public sealed record FuzzTarget(string Name, string Description, Action<byte[]> Run)
{
    /// <summary>1 GiB: far above what any input of AFL's 1 MB size cap legitimately needs here (the image targets cap
    /// decoded images at <see cref="ImageTargets.MaxPixelCount"/> pixels, the other parsers hold their input a few times
    /// over), and far below what a size field that was believed without a check makes the parser allocate.</summary>
    public const long DefaultAllocationBudgetBytes = 1L << 30;

    /// <summary>The most bytes one run may allocate (on its thread, garbage included) before it counts as a defect.</summary>
    public long AllocationBudgetBytes { get; init; } = DefaultAllocationBudgetBytes;
}
