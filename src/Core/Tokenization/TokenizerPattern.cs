using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace DeepSeek.Sdk.Tokenization;

/// <summary>
/// A Split or Replace pattern of a tokenizer.json, compiled so that no text can make it run away. Patterns the
/// non-backtracking engine accepts run on it (time linear in the text, whatever the pattern); those it refuses
/// (lookarounds, backreferences, atomic groups, as the published <c>\s+(?!\S)</c>) run on the backtracking engine
/// with <see cref="TokenizerLimits.RegexMatchTimeout"/> per match. Both engines give .NET's leftmost-first
/// (backtracking-order) matches, so the choice never changes a split. A timeout becomes a
/// <see cref="TokenizerFormatException"/> naming the file, the field and the pattern.
/// </summary>
internal sealed class TokenizerPattern
{
    /// <summary>Compiled patterns shared by every tokenizer of the process (compiling one costs tens of
    /// milliseconds). Bounded, so that loading many crafted files cannot grow it without end.</summary>
    private static readonly ConcurrentDictionary<(string Source, TimeSpan Timeout), Regex> Cache = new();

    private const int CacheCapacity = 256;

    private readonly string _file;
    private readonly string _path;
    private readonly string _source;

    private TokenizerPattern(Regex regex, string source, string file, string path)
    {
        Regex = regex;
        _source = source;
        _file = file;
        _path = path;
    }

    public Regex Regex { get; }

    /// <param name="source">a .NET pattern (a String pattern arrives escaped)</param>
    /// <param name="file">the file, and <paramref name="path"/> the JSON path of the pattern, for messages</param>
    public static TokenizerPattern Compile(string source, string file, string path, TokenizerLimits limits)
    {
        if (source.Length > limits.MaxPatternLength)
            throw new TokenizerFormatException(
                $"{file}: {path} is {source.Length} characters long (TokenizerLimits.MaxPatternLength = {limits.MaxPatternLength}).");
        // Astral characters reach patterns as category stand-ins (CodePointProxy); a pattern that
        // spells one out could not match them.
        if (source.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0 || source.Contains("\\U", StringComparison.Ordinal) || source.Contains("\\x{", StringComparison.Ordinal))
            throw new TokenizerFormatException($"{file}: {path} names characters outside the Basic Multilingual Plane, which is not supported.");
        var key = (source, limits.RegexMatchTimeout);
        if (!Cache.TryGetValue(key, out var regex))
        {
            regex = Build(source, limits.RegexMatchTimeout, file, path);
            if (Cache.Count < CacheCapacity)
                regex = Cache.GetOrAdd(key, regex);
        }
        return new TokenizerPattern(regex, source, file, path);
    }

    /// <summary>
    /// The non-backtracking engine where the pattern allows it, else the compiled backtracking one. Two kinds of
    /// pattern go straight to the backtracking engine: one character class under a greedy quantifier of minimum 0
    /// or 1 (DeepSeek's <c>\p{N}{1,3}</c> and <c>[一-龥぀-ゟ゠-ヿ]+</c>), where each match is one forward scan so
    /// nothing can backtrack, and the backtracking engine's vectorized search runs twice as fast; and patterns
    /// that spell a construct the other engine refuses, which would only cost a failed construction (tens of
    /// milliseconds of JIT on first use).
    /// </summary>
    internal static Regex Build(string source, TimeSpan timeout, string file, string path)
    {
        try
        {
            if (!IsSingleClassLoop(source) && !SpellsBacktrackingConstruct(source))
            {
                try
                {
                    return new Regex(source, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, timeout);
                }
                catch (NotSupportedException)
                {
                    // A construct the automaton cannot express, or an automaton over its size limit (10,000
                    // nodes, as (a{100}){100} reaches): the backtracking engine handles both, bounded by the timeout.
                }
            }
            return new Regex(source, RegexOptions.Compiled | RegexOptions.CultureInvariant, timeout);
        }
        catch (ArgumentException e)
        {
            throw new TokenizerFormatException($"{file}: {path} is not a pattern .NET can compile: {e.Message}", e);
        }
    }

    private static readonly Regex SingleClassLoop = new(
        @"^(?:\\[pP]\{[A-Za-z_]+\}|\\[dDwWsS]|\[\^?(?:[^\[\]\\]|\\.)+\])(?:[+*?]|\{[01](?:,[0-9]*)?\})$",
        RegexOptions.CultureInvariant);

    /// <summary>One class (<c>\p{..}</c>, <c>\d</c>-style or a bracket class without nested classes) and one greedy
    /// quantifier of minimum 0 or 1, nothing else.</summary>
    internal static bool IsSingleClassLoop(string source) => source.Length <= 1024 && SingleClassLoop.IsMatch(source);

    /// <summary>Lookarounds, atomic groups, conditionals and backreferences, as spelled; a false positive (the
    /// text inside a class or after an escaped backslash) only sends the pattern to the bounded backtracking engine.</summary>
    private static bool SpellsBacktrackingConstruct(string source)
    {
        foreach (var construct in (ReadOnlySpan<string>)["(?=", "(?!", "(?<=", "(?<!", "(?>", "(?(", "\\k"])
            if (source.Contains(construct, StringComparison.Ordinal))
                return true;
        for (int i = 0; i + 1 < source.Length; i++)
            if (source[i] == '\\' && source[i + 1] is >= '1' and <= '9')
                return true;
        return false;
    }

    /// <summary>The error for a match that ran past the timeout on a text of <paramref name="textLength"/> characters.</summary>
    public TokenizerFormatException TimedOut(RegexMatchTimeoutException e, int textLength) =>
        new($"{_file}: {_path} {JsonFields.Show(_source)} did not find one match in a {textLength}-character text within "
            + $"the time allowed (TokenizerLimits.RegexMatchTimeout = {Regex.MatchTimeout}); it backtracks catastrophically.", e);
}
