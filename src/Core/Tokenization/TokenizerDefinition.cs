namespace DeepSeek.Sdk.Tokenization;

/// <summary>The parts of a tokenizer.json this tokenizer runs, as read by <see cref="TokenizerJsonReader"/>.</summary>
internal sealed record TokenizerDefinition(
    BytePairEncoding Model,
    AddedToken[] AddedTokens,
    TextNormalizer? Normalizer,
    PreTokenizer[] PreTokenizers,
    int[] PostProcessorPrefix,
    int[] PostProcessorSuffix,
    bool ByteLevelDecoder);
