using System.Globalization;
using System.Text;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>Python <c>str</c> methods with CPython's semantics (unicodeobject.c).</summary>
internal static class StringMethods
{
    public static string Strip(string s, object? chars, bool left, bool right)
    {
        if (chars is not null and not string)
        {
            throw new TemplateOperationException($"strip arg must be None or str, not {PythonFormat.TypeName(chars)}");
        }
        var set = chars as string;
        int start = 0;
        int end = s.Length;
        while (left && start < end && Strippable(s[start], set))
        {
            start++;
        }
        while (right && end > start && Strippable(s[end - 1], set))
        {
            end--;
        }
        return s[start..end];
    }

    private static bool Strippable(char c, string? set) =>
        set is null ? char.IsWhiteSpace(c) : set.Contains(c, StringComparison.Ordinal);

    public static string Capitalize(string s) =>
        s.Length == 0 ? s : s[..1].ToUpperInvariant() + s[1..].ToLowerInvariant();

    /// <summary>Python str.title: a word is a run of cased letters; the first letter goes upper, the rest lower.</summary>
    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        bool previousCased = false;
        foreach (char c in s)
        {
            bool cased = char.IsLetter(c);
            sb.Append(cased ? (previousCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)) : c);
            previousCased = cased;
        }
        return sb.ToString();
    }

    /// <summary>Python str.replace; the result's length is known, and checked, before it is built.</summary>
    public static string Replace(string s, object? oldValue, object? newValue, object? count, RenderBudget budget)
    {
        if (oldValue is not string o || newValue is not string n)
        {
            throw new TemplateOperationException("replace() arguments must be strings");
        }
        long max = count is null ? -1 : PythonOps.ToLong(count);
        if (max < 0)
        {
            max = long.MaxValue;
        }
        if (o.Length == 0)
        {
            return InsertEverywhere(s, n, max, budget);
        }
        long occurrences = 0;
        for (int at = s.IndexOf(o, StringComparison.Ordinal); at >= 0 && occurrences < max; at = s.IndexOf(o, at + o.Length, StringComparison.Ordinal))
        {
            occurrences++;
        }
        if (occurrences == 0)
        {
            return s;
        }
        long length = s.Length + (occurrences * (n.Length - o.Length));
        budget.CheckString(length, "replace");
        var sb = new StringBuilder((int)length);
        int pos = 0;
        for (long done = 0; done < occurrences; done++)
        {
            int at = s.IndexOf(o, pos, StringComparison.Ordinal);
            sb.Append(s, pos, at - pos).Append(n);
            pos = at + o.Length;
        }
        return sb.Append(s, pos, s.Length - pos).ToString();
    }

    // 'abc'.replace('', '-') is '-a-b-c-': the new text before each code point and at the end, up to max times.
    private static string InsertEverywhere(string s, string n, long max, RenderBudget budget)
    {
        long insertions = Math.Min(max, PythonOps.CodePointCount(s) + 1L);
        long length = s.Length + (insertions * n.Length);
        budget.CheckString(length, "replace");
        var sb = new StringBuilder((int)length);
        long done = 0;
        int pos = 0;
        while (done < insertions)
        {
            sb.Append(n);
            done++;
            if (pos == s.Length)
            {
                break;
            }
            int width = char.IsHighSurrogate(s[pos]) && pos + 1 < s.Length && char.IsLowSurrogate(s[pos + 1]) ? 2 : 1;
            sb.Append(s, pos, width);
            pos += width;
        }
        return sb.Append(s, pos, s.Length - pos).ToString();
    }

    /// <summary>Python str.count: non-overlapping occurrences; the empty string occurs between every code point.</summary>
    public static long Count(string s, string sub)
    {
        if (sub.Length == 0)
        {
            return PythonOps.CodePointCount(s) + 1L;
        }
        long count = 0;
        for (int at = s.IndexOf(sub, StringComparison.Ordinal); at >= 0; at = s.IndexOf(sub, at + sub.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    /// <summary>Python str.split / str.rsplit, with whitespace splitting when sep is None.</summary>
    public static object?[] Split(string s, object? separator, object? maxSplit, bool fromRight, RenderBudget budget)
    {
        long max = maxSplit is null ? -1 : PythonOps.ToLong(maxSplit);
        var parts = new List<string>();
        if (separator is null)
        {
            SplitWhitespace(s, max, fromRight, parts, budget);
        }
        else if (separator is string sep && sep.Length > 0)
        {
            if (fromRight)
            {
                int end = s.Length;
                while (max < 0 || parts.Count < max)
                {
                    int at = s.AsSpan(0, end).LastIndexOf(sep.AsSpan());
                    if (at < 0)
                    {
                        break;
                    }
                    Add(parts, s[(at + sep.Length)..end], budget);
                    end = at;
                }
                Add(parts, s[..end], budget);
            }
            else
            {
                int pos = 0;
                while (max < 0 || parts.Count < max)
                {
                    int at = s.AsSpan(pos).IndexOf(sep.AsSpan());
                    if (at < 0)
                    {
                        break;
                    }
                    Add(parts, s.Substring(pos, at), budget);
                    pos += at + sep.Length;
                }
                Add(parts, s[pos..], budget);
            }
        }
        else
        {
            throw new TemplateOperationException(separator is string ? "empty separator" : "split separator must be a string or None");
        }
        if (fromRight)
        {
            parts.Reverse();
        }
        return parts.ToArray();
    }

    private static void Add(List<string> parts, string part, RenderBudget budget)
    {
        budget.CheckList(parts.Count + 1L, "split");
        parts.Add(part);
    }

    // Runs of whitespace separate words; after maxsplit words the rest is one part, its inner whitespace kept.
    private static void SplitWhitespace(string s, long max, bool fromRight, List<string> parts, RenderBudget budget)
    {
        if (fromRight)
        {
            int end = s.Length;
            while (true)
            {
                while (end > 0 && char.IsWhiteSpace(s[end - 1]))
                {
                    end--;
                }
                if (end == 0)
                {
                    return;
                }
                if (max >= 0 && parts.Count >= max)
                {
                    Add(parts, s[..end], budget);
                    return;
                }
                int start = end;
                while (start > 0 && !char.IsWhiteSpace(s[start - 1]))
                {
                    start--;
                }
                Add(parts, s[start..end], budget);
                end = start;
            }
        }
        int pos = 0;
        while (true)
        {
            while (pos < s.Length && char.IsWhiteSpace(s[pos]))
            {
                pos++;
            }
            if (pos == s.Length)
            {
                return;
            }
            if (max >= 0 && parts.Count >= max)
            {
                Add(parts, s[pos..], budget);
                return;
            }
            int stop = pos;
            while (stop < s.Length && !char.IsWhiteSpace(s[stop]))
            {
                stop++;
            }
            Add(parts, s[pos..stop], budget);
            pos = stop;
        }
    }

    /// <summary>Python str.splitlines: split at \n, \r, \r\n and the other line boundaries Python knows, ends dropped.</summary>
    public static object?[] SplitLines(string s, RenderBudget budget)
    {
        var lines = new List<string>();
        int start = 0;
        int pos = 0;
        while (pos < s.Length)
        {
            char c = s[pos];
            if (c is '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029')
            {
                Add(lines, s[start..pos], budget);
                pos += c == '\r' && pos + 1 < s.Length && s[pos + 1] == '\n' ? 2 : 1;
                start = pos;
            }
            else
            {
                pos++;
            }
        }
        if (start < s.Length)
        {
            Add(lines, s[start..], budget);
        }
        return lines.ToArray();
    }

    /// <summary>str.startswith/endswith with a string or a tuple of strings.</summary>
    public static bool Affix(string s, object? affix, bool start, RenderBudget budget)
    {
        if (affix is IReadOnlyList<object?> options)
        {
            foreach (var option in options)
            {
                if (Affix(s, option, start, budget))
                {
                    return true;
                }
            }
            return false;
        }
        if (affix is not string a)
        {
            throw new TemplateOperationException($"{(start ? "startswith" : "endswith")} first arg must be str or a tuple of str, not {PythonFormat.TypeName(affix)}");
        }
        // Charged here rather than by the caller: a tuple of many long affixes is read one by one.
        budget.Charge(2L * Math.Min(s.Length, a.Length));
        return start ? s.StartsWith(a, StringComparison.Ordinal) : s.EndsWith(a, StringComparison.Ordinal);
    }

    /// <summary>str.format with <c>{}</c>, <c>{0}</c>, <c>{name}</c> fields and <c>{{</c>/<c>}}</c> escapes; no format specs.</summary>
    public static string Format(string format, TemplateArguments args, RenderBudget budget)
    {
        var sb = new StringBuilder();
        int auto = 0;
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            if (c == '}' && i + 1 < format.Length && format[i + 1] == '}')
            {
                sb.Append('}');
                i++;
                continue;
            }
            if (c != '{')
            {
                sb.Append(c);
                continue;
            }
            if (i + 1 < format.Length && format[i + 1] == '{')
            {
                sb.Append('{');
                i++;
                continue;
            }
            int close = format.IndexOf('}', i);
            if (close < 0)
            {
                throw new TemplateOperationException("Single '{' encountered in format string");
            }
            string field = format[(i + 1)..close];
            object? value;
            if (field.Length == 0)
            {
                value = auto < args.Positional.Count ? args.Positional[auto++] : throw new TemplateOperationException("format(): not enough positional arguments");
            }
            else if (int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                value = index < args.Positional.Count ? args.Positional[index] : throw new TemplateOperationException($"format(): no positional argument {index}");
            }
            else
            {
                value = args.Get(int.MaxValue, field, new Undefined(field));
                if (value is Undefined)
                {
                    throw new TemplateOperationException($"format(): no keyword argument '{field}'");
                }
            }
            string piece = PythonFormat.Str(value, budget);
            budget.CheckString((long)sb.Length + piece.Length + format.Length - close - 1, "format()");
            sb.Append(piece);
            i = close;
        }
        return sb.ToString();
    }
}
