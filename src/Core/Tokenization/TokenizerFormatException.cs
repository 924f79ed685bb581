namespace DeepSeek.Sdk.Tokenization;

/// <summary>
/// A tokenizer.json or tokenizer_config.json that cannot be used as given: malformed JSON, a
/// missing or mistyped field, a component type this tokenizer does not implement, or a merge
/// that names tokens outside the vocabulary. The message names the file and the field.
/// </summary>
public sealed class TokenizerFormatException : DeepSeekException
{
    public TokenizerFormatException(string message) : base(message) { }

    public TokenizerFormatException(string message, Exception innerException) : base(message, innerException) { }
}
