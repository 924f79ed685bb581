namespace DeepSeek.Sdk.Tokenization;

/// <summary>The parts of a tokenizer.json this tokenizer runs, as read by <see cref="TokenizerJsonReader"/>.</summary>
/// <param name="File">the file's name, for messages</param>
internal sealed record TokenizerDefinition(
    string File,
    BytePairEncoding Model,
    AddedToken[] AddedTokens,
    TextNormalizer? Normalizer,
    PreTokenizer[] PreTokenizers,
    int[] PostProcessorPrefix,
    int[] PostProcessorSuffix,
    bool ByteLevelDecoder);
