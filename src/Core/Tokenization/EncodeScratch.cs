namespace DeepSeek.Sdk.Tokenization;

/// <summary>
/// Per-thread working buffers for encoding, so that encoding a text allocates nothing beyond its
/// result once the buffers have grown to the text's size. Held in a [ThreadStatic] field by
/// <see cref="Tokenizer"/>; never shared between threads.
/// </summary>
internal sealed class EncodeScratch
{
    public readonly List<SplitEvent> Events = new(64);
    public List<PreTokenPiece> Pieces = new(256);
    public List<PreTokenPiece> NextPieces = new(256);
    public readonly List<(int Start, int End, int TokenId)> AddedSplits = new(16);
    public readonly List<(int Start, int End, int TokenId)> NormalizedSplits = new(16);
    public readonly List<int> Ids = new(1024);

    private char[] _prefix = new char[64];
    private char[] _proxy = new char[256];
    private int[] _proxyOffsets = new int[257];
    private byte[] _utf8 = new byte[256];
    private char[] _word = new char[256];
    private int[] _symbolIds = new int[256];
    private int[] _symbolPrev = new int[256];
    private int[] _symbolNext = new int[256];
    private long[] _heap = new long[256];

    public char[] PrefixBuffer(int length) => Grow(ref _prefix, length);

    public char[] Proxy(int length) => Grow(ref _proxy, length);

    public int[] ProxyOffsets(int length) => Grow(ref _proxyOffsets, length);

    public byte[] Utf8(int length) => Grow(ref _utf8, length);

    public char[] Word(int length) => Grow(ref _word, length);

    /// <summary>The symbol arrays of one BPE word: ids, previous and next links, and the merge queue.</summary>
    public void Symbols(int length, out int[] ids, out int[] prev, out int[] next, out long[] heap)
    {
        ids = Grow(ref _symbolIds, length);
        prev = Grow(ref _symbolPrev, length);
        next = Grow(ref _symbolNext, length);
        // Each merge pushes at most two candidates; the initial pairs are length - 1.
        heap = Grow(ref _heap, 3 * length + 1);
    }

    public void SwapPieces() => (Pieces, NextPieces) = (NextPieces, Pieces);

    private static T[] Grow<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
            buffer = new T[Math.Max(length, buffer.Length * 2)];
        return buffer;
    }
}
