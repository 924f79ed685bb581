using System.Buffers;
using System.Text;

namespace DeepSeek.Sdk.Tokenization;

/// <summary>
/// A byte-level BPE tokenizer loaded from a Hugging Face tokenizer.json (plus tokenizer_config.json),
/// producing the ids huggingface/tokenizers produces. Encoding follows TokenizerImpl::encode_single_sequence:
/// added tokens are cut out of the raw text, the rest is normalized (and normalized added tokens cut
/// out), pre-tokenized, and each pre-token's UTF-8 bytes are merged by the BPE model. Instances are
/// immutable and safe to share between threads.
/// </summary>
public sealed partial class Tokenizer
{
    [ThreadStatic] private static EncodeScratch? t_scratch;

    private readonly BytePairEncoding _model;
    private readonly TextNormalizer? _normalizer;
    private readonly PreTokenizer[] _preTokenizers;
    private readonly AddedTokenMatcher _rawAddedTokens;
    private readonly AddedTokenMatcher _normalizedAddedTokens;
    private readonly Dictionary<string, int> _addedTokenIds = new(StringComparer.Ordinal);
    private readonly AddedToken[] _addedTokens;
    private readonly string?[] _idToToken;
    private readonly byte[]?[] _idToBytes;
    private readonly bool[] _isSpecial;
    private readonly int[] _specialPrefix;
    private readonly int[] _specialSuffix;

    /// <summary>Size of the id space: one more than the highest id of the vocabulary or an added token.</summary>
    public int VocabularySize => _idToToken.Length;

    public string? BosToken { get; }
    public int? BosId { get; }
    public string? EosToken { get; }
    public int? EosId { get; }
    public string? PadToken { get; }
    public int? PadId { get; }
    public string? UnkToken { get; }

    /// <summary>The added tokens of tokenizer.json, special or not, in file order.</summary>
    public IReadOnlyList<AddedToken> AddedTokens => _addedTokens;

    /// <summary>The ids <see cref="Encode"/> puts before and after the text when asked to add special tokens.</summary>
    public IReadOnlyList<int> SpecialTokensBefore => _specialPrefix;

    /// <inheritdoc cref="SpecialTokensBefore"/>
    public IReadOnlyList<int> SpecialTokensAfter => _specialSuffix;

    /// <summary>Jinja chat template sources by name; a single template is named "default".</summary>
    public IReadOnlyDictionary<string, string> ChatTemplateSources { get; private set; }

    /// <summary>The "default" chat template source, or null when the tokenizer has none.</summary>
    public string? ChatTemplateSource => ChatTemplateSources.TryGetValue("default", out var template) ? template : null;

    internal bool ByteLevelDecoder { get; }

    /// <summary>Words in the BPE model's cache (for tests of its bound).</summary>
    internal int CachedWordCount => _model.CachedWords;

    public string? IdToToken(int id) => (uint)id < (uint)_idToToken.Length ? _idToToken[id] : null;

    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (_addedTokenIds.TryGetValue(token, out int added))
            return added;
        return _model.Vocabulary.TryGetValue(token, out int id) ? id : null;
    }

    public bool IsSpecialToken(int id) => (uint)id < (uint)_isSpecial.Length && _isSpecial[id];

    public int[] Encode(string text, bool addSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var scratch = t_scratch ??= new EncodeScratch();
        var ids = scratch.Ids;
        ids.Clear();
        EncodeToList(text.AsSpan(), ids, addSpecialTokens);
        return ids.ToArray();
    }

    /// <summary>Appends the ids of <paramref name="text"/> to <paramref name="destination"/>.</summary>
    public void EncodeToList(ReadOnlySpan<char> text, List<int> destination, bool addSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var scratch = t_scratch ??= new EncodeScratch();
        if (addSpecialTokens)
            destination.AddRange(_specialPrefix);

        // Lone surrogates cannot be UTF-8; like any UTF-8 encoder we read them as U+FFFD.
        string? repaired = null;
        if (UnicodeText.HasLoneSurrogate(text))
        {
            repaired = UnicodeText.ReplaceLoneSurrogates(text);
            text = repaired;
        }

        var rawSplits = scratch.AddedSplits;
        int rawFirst = rawSplits.Count;
        _rawAddedTokens.Split(text, rawSplits);
        for (int i = rawFirst; i < rawSplits.Count; i++)
        {
            var (start, end, tokenId) = rawSplits[i];
            if (tokenId >= 0)
                destination.Add(tokenId);
            else
                EncodeNormalizing(text[start..end], destination, scratch);
        }
        rawSplits.RemoveRange(rawFirst, rawSplits.Count - rawFirst);

        if (addSpecialTokens)
            destination.AddRange(_specialSuffix);

        // The buffers grow to the largest text this thread encoded; after a very long one, let them go rather than
        // hold tens of megabytes per thread for the life of the process (the next call starts small again).
        if (text.Length > ScratchKeepLength)
            t_scratch = null;
    }

    /// <summary>Texts up to this many characters leave their (reusable) buffers with the thread.</summary>
    internal const int ScratchKeepLength = 1 << 18;

    /// <summary>Whether this thread holds encoding buffers (for tests of their release).</summary>
    internal static bool ThreadHoldsScratch => t_scratch is not null;

    /// <summary>The number of ids <see cref="Encode"/> returns without special tokens.</summary>
    public int CountTokens(ReadOnlySpan<char> text)
    {
        var scratch = t_scratch ??= new EncodeScratch();
        var ids = scratch.Ids;
        ids.Clear();
        EncodeToList(text, ids);
        int count = ids.Count;
        ids.Clear();
        return count;
    }

    private void EncodeNormalizing(ReadOnlySpan<char> text, List<int> destination, EncodeScratch scratch)
    {
        if (_normalizer is null && _normalizedAddedTokens.IsEmpty)
        {
            EncodeStretch(text, destination, scratch);
            return;
        }
        var normalized = _normalizer is null ? text : _normalizer.Normalize(new string(text)).AsSpan();
        var splits = scratch.NormalizedSplits;
        int first = splits.Count;
        _normalizedAddedTokens.Split(normalized, splits);
        for (int i = first; i < splits.Count; i++)
        {
            var (start, end, tokenId) = splits[i];
            if (tokenId >= 0)
                destination.Add(tokenId);
            else
                EncodeStretch(normalized[start..end], destination, scratch);
        }
        splits.RemoveRange(first, splits.Count - first);
    }

    /// <summary>Pre-tokenizes a stretch free of added tokens and merges each pre-token's bytes.</summary>
    private void EncodeStretch(ReadOnlySpan<char> text, List<int> destination, EncodeScratch scratch)
    {
        if (text.IsEmpty)
            return;
        ReadOnlySpan<char> view = text;
        int[]? offsets = null;
        if (text.IndexOfAnyInRange('\uD800', '\uDFFF') >= 0)
        {
            var proxy = scratch.Proxy(text.Length);
            offsets = scratch.ProxyOffsets(text.Length + 1);
            view = proxy.AsSpan(0, CodePointProxy.Build(text, proxy, offsets));
        }

        scratch.Pieces.Clear();
        scratch.Pieces.Add(new PreTokenPiece(0, view.Length, false));
        foreach (var step in _preTokenizers)
        {
            scratch.NextPieces.Clear();
            step.Split(view, scratch.Pieces, scratch.NextPieces, scratch);
            scratch.SwapPieces();
        }

        foreach (var piece in scratch.Pieces)
        {
            int start = piece.Start, end = piece.Start + piece.Length;
            if (offsets is not null)
            {
                start = offsets[start];
                end = offsets[end];
            }
            var source = text[start..end];
            var bytes = scratch.Utf8(1 + Encoding.UTF8.GetMaxByteCount(source.Length));
            int count = 0;
            if (piece.PrefixSpace)
                bytes[count++] = (byte)' ';
            count += Encoding.UTF8.GetBytes(source, bytes.AsSpan(count));
            _model.Encode(bytes.AsSpan(0, count), destination, scratch);
        }
    }

    /// <summary>The pre-tokens of a text free of added tokens, as the BPE model sees them (for diagnostics and tests).</summary>
    internal List<string> PreTokenize(string text)
    {
        var scratch = new EncodeScratch();
        var pieces = new List<string>();
        ReadOnlySpan<char> view = text;
        int[]? offsets = null;
        if (text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0)
        {
            var proxy = scratch.Proxy(text.Length);
            offsets = scratch.ProxyOffsets(text.Length + 1);
            view = proxy.AsSpan(0, CodePointProxy.Build(text, proxy, offsets));
        }
        scratch.Pieces.Add(new PreTokenPiece(0, view.Length, false));
        foreach (var step in _preTokenizers)
        {
            scratch.NextPieces.Clear();
            step.Split(view, scratch.Pieces, scratch.NextPieces, scratch);
            scratch.SwapPieces();
        }
        foreach (var piece in scratch.Pieces)
        {
            int start = offsets is null ? piece.Start : offsets[piece.Start];
            int end = offsets is null ? piece.Start + piece.Length : offsets[piece.Start + piece.Length];
            pieces.Add((piece.PrefixSpace ? " " : "") + text[start..end]);
        }
        return pieces;
    }

    /// <summary>
    /// The text of <paramref name="ids"/>: the ByteLevel decoder's bytes, read as UTF-8 with each
    /// maximal invalid subsequence replaced by U+FFFD (as Rust's String::from_utf8_lossy does).
    /// Ids outside the vocabulary are skipped, as tokenizers' decode skips them.
    /// </summary>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        if (!ByteLevelDecoder)
            return DecodeJoined(ids, skipSpecialTokens);
        int total = 0;
        foreach (int id in ids)
            if (TokenBytes(id, skipSpecialTokens) is { } bytes)
                total += bytes.Length;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            int at = 0;
            foreach (int id in ids)
                if (TokenBytes(id, skipSpecialTokens) is { } bytes)
                {
                    bytes.CopyTo(buffer, at);
                    at += bytes.Length;
                }
            return Encoding.UTF8.GetString(buffer, 0, at);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Without a decoder, tokenizers joins the tokens with spaces.</summary>
    private string DecodeJoined(ReadOnlySpan<int> ids, bool skipSpecialTokens)
    {
        var builder = new StringBuilder();
        foreach (int id in ids)
        {
            if (IdToToken(id) is not { } token || (skipSpecialTokens && _isSpecial[id]))
                continue;
            if (builder.Length > 0)
                builder.Append(' ');
            builder.Append(token);
        }
        return builder.ToString();
    }

    public StreamingDetokenizer CreateStreamingDetokenizer(bool skipSpecialTokens = false) => new(this, skipSpecialTokens);

    /// <summary>The bytes an id decodes to, or null when it is unknown or a skipped special token.</summary>
    internal byte[]? TokenBytes(int id, bool skipSpecialTokens)
    {
        if ((uint)id >= (uint)_idToBytes.Length || (skipSpecialTokens && _isSpecial[id]))
            return null;
        return _idToBytes[id];
    }
}
