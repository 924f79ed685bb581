namespace DeepSeek.Sdk.Generation;

/// <summary>Orders token ids by their logits, descending, ties broken by the lower id (so results do not
/// depend on the order candidates arrive in).</summary>
internal static class TokenSelection
{
    /// <summary>Rearranges <paramref name="ids"/> so its first <paramref name="count"/> entries are the
    /// ids with the largest logits (in no particular order). Quickselect, O(n) expected.</summary>
    public static void SelectTop(Span<int> ids, ReadOnlySpan<float> logits, int count)
    {
        int lo = 0, hi = ids.Length - 1;
        while (lo < hi)
        {
            int p = Partition(ids, logits, lo, hi);
            if (p == count - 1 || p == count) return;
            if (p < count) lo = p + 1; else hi = p - 1;
        }
    }

    public static void SortDescending(Span<int> ids, ReadOnlySpan<float> logits)
    {
        // Insertion sort for short spans, else a plain quicksort on the same comparison.
        if (ids.Length <= 1) return;
        QuickSort(ids, logits, 0, ids.Length - 1);
    }

    private static void QuickSort(Span<int> ids, ReadOnlySpan<float> logits, int lo, int hi)
    {
        while (hi - lo > 16)
        {
            int p = Partition(ids, logits, lo, hi);
            if (p - lo < hi - p)
            {
                QuickSort(ids, logits, lo, p - 1);
                lo = p + 1;
            }
            else
            {
                QuickSort(ids, logits, p + 1, hi);
                hi = p - 1;
            }
        }
        for (int i = lo + 1; i <= hi; i++)
        {
            int v = ids[i];
            int j = i - 1;
            while (j >= lo && Before(v, ids[j], logits))
            {
                ids[j + 1] = ids[j];
                j--;
            }
            ids[j + 1] = v;
        }
    }

    /// <summary>Lomuto partition around the median of three; returns the pivot's final index.</summary>
    private static int Partition(Span<int> ids, ReadOnlySpan<float> logits, int lo, int hi)
    {
        int mid = lo + ((hi - lo) >> 1);
        if (Before(ids[mid], ids[lo], logits)) (ids[mid], ids[lo]) = (ids[lo], ids[mid]);
        if (Before(ids[hi], ids[lo], logits)) (ids[hi], ids[lo]) = (ids[lo], ids[hi]);
        if (Before(ids[hi], ids[mid], logits)) (ids[hi], ids[mid]) = (ids[mid], ids[hi]);
        (ids[mid], ids[hi]) = (ids[hi], ids[mid]);
        int pivot = ids[hi];
        int store = lo;
        for (int i = lo; i < hi; i++)
        {
            if (Before(ids[i], pivot, logits))
            {
                (ids[i], ids[store]) = (ids[store], ids[i]);
                store++;
            }
        }
        (ids[store], ids[hi]) = (ids[hi], ids[store]);
        return store;
    }

    /// <summary>True when <paramref name="a"/> ranks before <paramref name="b"/>.</summary>
    private static bool Before(int a, int b, ReadOnlySpan<float> logits)
    {
        float la = logits[a], lb = logits[b];
        return la > lb || (la == lb && a < b);
    }
}
