namespace DeepSeek.Sdk.Tokenization;

/// <summary>
/// One pre-token: a stretch of the (code-point stand-in) text, optionally preceded by a space that
/// the ByteLevel pre-tokenizer's add_prefix_space inserted and that exists only in the pre-token.
/// </summary>
internal struct PreTokenPiece(int start, int length, bool prefixSpace)
{
    public int Start = start;
    public int Length = length;
    public bool PrefixSpace = prefixSpace;

    /// <summary>Length as the pre-token sees it, the inserted space included.</summary>
    public readonly int VisibleLength => Length + (PrefixSpace ? 1 : 0);
}
