namespace DeepSeek.Sdk.Tokenization;

/// <summary>
/// GPT-2's reversible map between the 256 byte values and 256 printable characters, so that
/// a byte-level BPE vocabulary can be stored as ordinary strings: printable Latin-1 bytes map
/// to themselves, the other 68 (controls, space, NBSP, soft hyphen) to U+0100 onwards in order.
/// Reference: huggingface/tokenizers pre_tokenizers/byte_level.rs (bytes_char), after
/// openai/gpt-2 encoder.py (bytes_to_unicode).
/// </summary>
internal static class ByteLevelAlphabet
{
    /// <summary>The character that stands for each byte value.</summary>
    public static readonly char[] ByteToChar = BuildByteToChar();

    /// <summary>The byte each alphabet character stands for, or -1; indexed by char up to U+0143.</summary>
    private static readonly short[] CharToByte = BuildCharToByte();

    private static char[] BuildByteToChar()
    {
        var table = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[b] = printable ? (char)b : (char)next++;
        }
        return table;
    }

    private static short[] BuildCharToByte()
    {
        var table = new short[0x144];
        Array.Fill(table, (short)-1);
        for (int b = 0; b < 256; b++)
            table[ByteToChar[b]] = (short)b;
        return table;
    }

    /// <summary>The byte a character stands for, or -1 when it is not in the alphabet.</summary>
    public static int ByteOf(char c) => c < CharToByte.Length ? CharToByte[c] : -1;

    /// <summary>
    /// The bytes a token stands for when decoded by the ByteLevel decoder: its alphabet bytes when
    /// every character is in the alphabet, otherwise its own UTF-8 (decoders/byte_level.rs falls
    /// back to the token's bytes as a whole, which is how added tokens such as "&lt;｜User｜&gt;" decode).
    /// </summary>
    public static byte[] DecodeToken(string token)
    {
        var bytes = new byte[token.Length];
        for (int i = 0; i < token.Length; i++)
        {
            int b = ByteOf(token[i]);
            if (b < 0)
                return System.Text.Encoding.UTF8.GetBytes(token);
            bytes[i] = (byte)b;
        }
        return bytes;
    }
}
