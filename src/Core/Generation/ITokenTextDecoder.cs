namespace DeepSeek.Sdk.Generation;

/// <summary>Turns a stream of token ids into text, one id at a time, never splitting a character.</summary>
public interface ITokenTextDecoder
{
    /// <summary>Adds one token and returns the text it completes (may be empty).</summary>
    string Push(int tokenId);

    /// <summary>Returns whatever is still held back at the end of the stream.</summary>
    string Flush();
}
