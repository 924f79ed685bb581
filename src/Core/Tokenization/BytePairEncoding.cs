using System.Collections.Concurrent;

namespace DeepSeek.Sdk.Tokenization;

/// <summary>
/// The byte-level BPE model of tokenizer.json ("model": {"type": "BPE"}): a vocabulary of
/// byte-alphabet strings and ranked merges. A pre-token's UTF-8 bytes start as one symbol each and
/// the lowest-ranked adjacent pair is merged, leftmost first, until no pair has a merge.
/// Reference: tokenizers models/bpe/{model.rs, word.rs} (merge_all with a rank-ordered heap).
/// </summary>
internal sealed class BytePairEncoding
{
    /// <summary>tokenizers' DEFAULT_CACHE_CAPACITY: words cached per model before the cache stops growing.</summary>
    internal const int CacheCapacity = 10_000;

    /// <summary>tokenizers' MAX_LENGTH (utils/cache.rs): only words shorter than this many bytes are cached, which
    /// bounds the cache at about 10,000 * 256 characters however long the texts encoded.</summary>
    internal const int CacheWordLength = 256;

    private readonly Dictionary<string, int> _vocabulary;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _vocabularyBySpan;
    private readonly Dictionary<long, long> _merges;
    private readonly int[] _byteIds;
    private readonly bool _ignoreMerges;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheBySpan;
    private int _cacheCount;

    /// <param name="vocabulary">token (in the byte alphabet) to id</param>
    /// <param name="merges">packed (left id, right id) to packed (rank, merged id); see <see cref="PackPair"/></param>
    /// <param name="ignoreMerges">a pre-token that is itself in the vocabulary maps to it directly (Llama 3)</param>
    public BytePairEncoding(Dictionary<string, int> vocabulary, Dictionary<long, long> merges, bool ignoreMerges)
    {
        _vocabulary = vocabulary;
        _vocabularyBySpan = vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
        _merges = merges;
        _ignoreMerges = ignoreMerges;
        _cacheBySpan = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
        _byteIds = new int[256];
        Span<char> one = stackalloc char[1];
        for (int b = 0; b < 256; b++)
        {
            one[0] = ByteLevelAlphabet.ByteToChar[b];
            _byteIds[b] = _vocabularyBySpan.TryGetValue(one, out int id) ? id : -1;
        }
    }

    public IReadOnlyDictionary<string, int> Vocabulary => _vocabulary;

    /// <summary>The words cached so far (for tests).</summary>
    internal int CachedWords => _cache.Count;

    public static long PackPair(int left, int right) => ((long)left << 32) | (uint)right;

    public static long PackMerge(int rank, int mergedId) => ((long)rank << 32) | (uint)mergedId;

    /// <summary>Appends the ids of one pre-token, given as its UTF-8 bytes.</summary>
    public void Encode(ReadOnlySpan<byte> bytes, List<int> output, EncodeScratch scratch)
    {
        if (bytes.Length == 0)
            return;
        if (bytes.Length == 1)
        {
            int id = _byteIds[bytes[0]];
            if (id >= 0)
                output.Add(id);
            return;
        }

        var word = scratch.Word(bytes.Length).AsSpan(0, bytes.Length);
        for (int i = 0; i < bytes.Length; i++)
            word[i] = ByteLevelAlphabet.ByteToChar[bytes[i]];

        if (_ignoreMerges && _vocabularyBySpan.TryGetValue(word, out int whole))
        {
            output.Add(whole);
            return;
        }
        if (_cacheBySpan.TryGetValue(word, out var cached))
        {
            output.AddRange(cached);
            return;
        }

        int start = output.Count;
        Merge(bytes, output, scratch);
        if (_cacheCount < CacheCapacity && bytes.Length < CacheWordLength)
        {
            var ids = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(output)[start..].ToArray();
            if (_cache.TryAdd(new string(word), ids))
                Interlocked.Increment(ref _cacheCount);
        }
    }

    /// <summary>
    /// word.rs merge_all: a min-heap of candidate merges keyed by (rank, position); a popped
    /// candidate is stale when its left symbol was absorbed or its pair changed, and is skipped.
    /// Symbols form a linked list; a merge keeps the left symbol and unlinks the right one.
    /// </summary>
    private void Merge(ReadOnlySpan<byte> bytes, List<int> output, EncodeScratch scratch)
    {
        scratch.Symbols(bytes.Length, out var ids, out var prev, out var next, out var heap);
        int count = 0;
        foreach (byte b in bytes)
        {
            // A byte without a vocabulary entry is dropped, as BPE with no unk_token does.
            int id = _byteIds[b];
            if (id < 0)
                continue;
            ids[count] = id;
            prev[count] = count - 1;
            next[count] = count + 1;
            count++;
        }
        if (count == 0)
            return;
        next[count - 1] = -1;

        int heapSize = 0;
        for (int i = 0; i + 1 < count; i++)
            if (_merges.TryGetValue(PackPair(ids[i], ids[i + 1]), out long merge))
                Push(heap, ref heapSize, (merge & ~0xFFFFFFFFL) | (uint)i);

        const int Removed = int.MinValue;
        while (heapSize > 0)
        {
            long top = Pop(heap, ref heapSize);
            int pos = (int)(top & 0xFFFFFFFF);
            long rank = top >> 32;
            if (ids[pos] == Removed)
                continue;
            int right = next[pos];
            if (right < 0)
                continue;
            if (!_merges.TryGetValue(PackPair(ids[pos], ids[right]), out long merge) || (merge >> 32) != rank)
                continue;

            ids[pos] = (int)(merge & 0xFFFFFFFF);
            ids[right] = Removed;
            int after = next[right];
            next[pos] = after;
            if (after >= 0)
                prev[after] = pos;

            int before = prev[pos];
            if (before >= 0 && _merges.TryGetValue(PackPair(ids[before], ids[pos]), out long left))
                Push(heap, ref heapSize, (left & ~0xFFFFFFFFL) | (uint)before);
            if (after >= 0 && _merges.TryGetValue(PackPair(ids[pos], ids[after]), out long rightMerge))
                Push(heap, ref heapSize, (rightMerge & ~0xFFFFFFFFL) | (uint)pos);
        }

        for (int i = 0; i >= 0; i = next[i])
            output.Add(ids[i]);
    }

    private static void Push(long[] heap, ref int size, long value)
    {
        int i = size++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (heap[parent] <= value)
                break;
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = value;
    }

    private static long Pop(long[] heap, ref int size)
    {
        long top = heap[0];
        long last = heap[--size];
        int i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= size)
                break;
            if (child + 1 < size && heap[child + 1] < heap[child])
                child++;
            if (last <= heap[child])
                break;
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = last;
        return top;
    }
}
