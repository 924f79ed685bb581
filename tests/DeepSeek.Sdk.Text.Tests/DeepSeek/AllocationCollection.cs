namespace DeepSeek.Sdk.Text.Tests.DeepSeek;

/// <summary>Tests that count the process's allocated bytes run alone: tests running beside them would allocate too.</summary>
[CollectionDefinition(nameof(AllocationCollection), DisableParallelization = true)]
public sealed class AllocationCollection;
