namespace DeepSeek.Sdk.Core.Tests.Imaging;

/// <summary>Tests that time a decode against a bound run alone, after the parallel tests, so that the bound measures
/// the decoder rather than how many other tests share the cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimedDecodingCollection
{
    public const string Name = "Timed image decoding";
}
