namespace DeepSeek.Sdk.Tokenization;

/// <summary>
/// A token matched in the raw text before pre-tokenization (tokenizer.json "added_tokens").
/// <paramref name="Special"/> tokens are dropped by decode when asked to skip special tokens;
/// <paramref name="LeftStrip"/>/<paramref name="RightStrip"/> absorb neighbouring whitespace;
/// <paramref name="Normalized"/> tokens are matched in the normalized text; <paramref name="SingleWord"/>
/// tokens only match when not inside a word. Reference: tokenizers tokenizer/added_vocabulary.rs.
/// </summary>
public sealed record AddedToken(
    int Id,
    string Content,
    bool Special,
    bool LeftStrip = false,
    bool RightStrip = false,
    bool Normalized = false,
    bool SingleWord = false);
