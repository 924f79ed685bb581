namespace DeepSeek.Sdk.Fuzzing;

/// <summary>A run allocated more than its target's budget: the parser believed a size it read before checking it. This is
/// deliberately not a <see cref="DeepSeekException"/>, so the fuzzer and the replay test count it as a defect.</summary>
public sealed class FuzzBudgetExceededException(string target, long allocatedBytes, long budgetBytes)
    : Exception($"fuzz target '{target}' allocated {allocatedBytes:N0} bytes in one run, over its budget of {budgetBytes:N0} bytes");
