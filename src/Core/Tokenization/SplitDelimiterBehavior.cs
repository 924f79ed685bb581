namespace DeepSeek.Sdk.Tokenization;

/// <summary>
/// What a Split pre-tokenizer does with the matched delimiters, as named in tokenizer.json
/// ("behavior"). Reference: tokenizers tokenizer/normalizer.rs (SplitDelimiterBehavior).
/// </summary>
internal enum SplitDelimiterBehavior
{
    Removed,
    Isolated,
    MergedWithPrevious,
    MergedWithNext,
    Contiguous,
}
