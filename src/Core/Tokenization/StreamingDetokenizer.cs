using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace DeepSeek.Sdk.Tokenization;

/// <summary>
/// Turns ids into text one at a time during generation. A token can end in the middle of a UTF-8
/// character (byte-level BPE splits emoji and CJK across tokens), so bytes that may still become
/// a character are held back until the next ids complete them; bytes that can no longer be valid
/// are emitted as U+FFFD right away. The concatenation of everything returned, <see cref="Flush"/>
/// included, equals <see cref="Tokenizer.Decode"/> of all ids, and no returned string ends in half
/// a surrogate pair. Not thread-safe: one instance per generated sequence.
/// </summary>
public sealed class StreamingDetokenizer : DeepSeek.Sdk.Generation.ITokenTextDecoder
{
    private readonly Tokenizer _tokenizer;
    private readonly bool _skipSpecialTokens;
    private byte[] _pending = new byte[16];
    private int _pendingCount;
    private bool _anyToken;

    public StreamingDetokenizer(Tokenizer tokenizer, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        _tokenizer = tokenizer;
        _skipSpecialTokens = skipSpecialTokens;
    }

    /// <summary>Adds one id and returns the text it completes (often empty while a character is partial).</summary>
    public string Push(int id)
    {
        if (!_tokenizer.ByteLevelDecoder)
            return AppendJoined(id);
        if (_tokenizer.TokenBytes(id, _skipSpecialTokens) is not { } bytes || bytes.Length == 0)
            return string.Empty;
        if (_pending.Length < _pendingCount + bytes.Length)
            Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _pendingCount + bytes.Length));
        bytes.CopyTo(_pending, _pendingCount);
        _pendingCount += bytes.Length;
        return Drain(isFinalBlock: false);
    }

    /// <summary>Emits whatever is held back, an unfinished character as U+FFFD, and starts afresh.</summary>
    public string Flush()
    {
        string text = _tokenizer.ByteLevelDecoder ? Drain(isFinalBlock: true) : string.Empty;
        _anyToken = false;
        return text;
    }

    /// <summary>Forgets held-back bytes without emitting them.</summary>
    public void Reset()
    {
        _pendingCount = 0;
        _anyToken = false;
    }

    private string Drain(bool isFinalBlock)
    {
        if (_pendingCount == 0)
            return string.Empty;
        // One UTF-16 unit per byte is enough: UTF-8 never takes fewer bytes than UTF-16 takes units,
        // and U+FFFD replaces at least one byte.
        char[] chars = ArrayPool<char>.Shared.Rent(_pendingCount);
        try
        {
            Utf8.ToUtf16(_pending.AsSpan(0, _pendingCount), chars, out int read, out int written,
                replaceInvalidSequences: true, isFinalBlock: isFinalBlock);
            _pending.AsSpan(read, _pendingCount - read).CopyTo(_pending);
            _pendingCount -= read;
            return written == 0 ? string.Empty : new string(chars, 0, written);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>Tokenizers without a decoder join tokens with spaces; mirror that incrementally.</summary>
    private string AppendJoined(int id)
    {
        if (_tokenizer.IdToToken(id) is not { } token || (_skipSpecialTokens && _tokenizer.IsSpecialToken(id)))
            return string.Empty;
        string text = _anyToken ? " " + token : token;
        _anyToken = true;
        return text;
    }
}
