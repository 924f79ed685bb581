using System.Collections;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// What <c>range(start, stop, step)</c> returns: like Python 3's range, its items are computed when read, so a
/// loop over it allocates nothing up front. It prints as Python prints it (<c>range(0, 3)</c>) and is
/// not JSON serializable.
/// </summary>
internal sealed class TemplateRange : IReadOnlyList<object?>
{
    private TemplateRange(long start, long stop, long step, int count)
    {
        Start = start;
        Stop = stop;
        Step = step;
        Count = count;
    }

    public long Start { get; }

    public long Stop { get; }

    public long Step { get; }

    public int Count { get; }

    public object? this[int index] => (uint)index < (uint)Count
        ? Start + (index * Step)
        : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>range(start, stop, step) with at most <paramref name="maxLength"/> items (step is not 0).</summary>
    public static TemplateRange Create(long start, long stop, long step, int maxLength)
    {
        // CPython's range length, in 128-bit arithmetic since stop - start can overflow 64 bits.
        Int128 span = step > 0 ? (Int128)stop - start : (Int128)start - stop;
        Int128 stride = step > 0 ? step : -(Int128)step;
        Int128 length = span <= 0 ? 0 : ((span - 1) / stride) + 1;
        if (length > maxLength)
        {
            throw new TemplateLimitBreachException(
                $"range() of {length} items is longer than {maxLength}", nameof(TemplateLimits.MaxRangeLength), maxLength);
        }
        return new TemplateRange(start, stop, step, (int)length);
    }

    /// <summary>Whether the range holds <paramref name="value"/>, computed as CPython's range_contains does for ints.</summary>
    public bool Contains(long value)
    {
        Int128 offset = (Int128)value - Start;
        Int128 index = offset / Step;
        return offset % Step == 0 && index >= 0 && index < Count;
    }

    /// <summary>Python's range equality: the same items, whatever the bounds that produced them.</summary>
    public bool SameItems(TemplateRange other) =>
        Count == other.Count && (Count == 0 || (Start == other.Start && (Count == 1 || Step == other.Step)));

    /// <summary>range[lo:hi:step] for adjusted slice bounds, a range again (CPython compute_slice).</summary>
    public TemplateRange Slice(long lo, long hi, long step, int count) =>
        new(Fit(Start + ((Int128)lo * Step)), Fit(Start + ((Int128)hi * Step)), Fit((Int128)Step * step), count);

    private static long Fit(Int128 value) => value >= long.MinValue && value <= long.MaxValue
        ? (long)value
        : throw new TemplateOperationException("the sliced range's bounds do not fit in 64 bits");

    public IEnumerator<object?> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
