using System.Text;

namespace DeepSeek.Sdk.Generation;

/// <summary>Watches generated text for stop strings that may arrive split across tokens. Text that could
/// still turn out to be the start of a stop string is held back; once a stop string completes, only the
/// text before it is released and generation should end.</summary>
public sealed class StopStringMatcher
{
    private readonly string[] _stops;
    private readonly StringBuilder _pending = new();

    public StopStringMatcher(IEnumerable<string> stopStrings)
    {
        ArgumentNullException.ThrowIfNull(stopStrings);
        var stops = new List<string>();
        foreach (var s in stopStrings)
        {
            if (string.IsNullOrEmpty(s)) throw new ArgumentException("Stop strings must not be empty.", nameof(stopStrings));
            stops.Add(s);
        }
        _stops = stops.ToArray();
    }

    public bool Stopped { get; private set; }

    /// <summary>The stop string that ended generation, if any.</summary>
    public string? MatchedStop { get; private set; }

    /// <summary>Adds newly decoded text and returns the part that is safe to show.</summary>
    public string Append(string text)
    {
        if (Stopped) return string.Empty;
        if (_stops.Length == 0) return text;
        _pending.Append(text);
        string pending = _pending.ToString();

        int firstStop = -1;
        foreach (var stop in _stops)
        {
            int at = pending.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (firstStop < 0 || at < firstStop))
            {
                firstStop = at;
                MatchedStop = stop;
            }
        }
        if (firstStop >= 0)
        {
            Stopped = true;
            _pending.Clear();
            return pending[..firstStop];
        }

        int hold = 0;
        foreach (var stop in _stops)
            hold = Math.Max(hold, LongestSuffixThatPrefixes(pending, stop));
        _pending.Clear().Append(pending, pending.Length - hold, hold);
        return pending[..^hold];
    }

    /// <summary>Releases text held back because it might have begun a stop string (call at the end).</summary>
    public string Flush()
    {
        string rest = _pending.ToString();
        _pending.Clear();
        return Stopped ? string.Empty : rest;
    }

    private static int LongestSuffixThatPrefixes(string text, string stop)
    {
        for (int len = Math.Min(text.Length, stop.Length - 1); len > 0; len--)
            if (text.AsSpan(text.Length - len).SequenceEqual(stop.AsSpan(0, len))) return len;
        return 0;
    }
}
