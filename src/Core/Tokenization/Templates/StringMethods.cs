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

    public static string Replace(string s, object? oldValue, object? newValue, object? count)
    {
        if (oldValue is not string o || newValue is not string n)
        {
            throw new TemplateOperationException("replace() arguments must be strings");
        }
        long max = count is null ? -1 : PythonOps.ToLong(count);
        if (max < 0)
        {
            return o.Length == 0 ? InsertEverywhere(s, n) : s.Replace(o, n, StringComparison.Ordinal);
        }
        var sb = new StringBuilder();
        int pos = 0;
        for (long done = 0; done < max; done++)
        {
            int at = s.IndexOf(o, pos, StringComparison.Ordinal);
            if (at < 0 || o.Length == 0)
            {
                break;
            }
            sb.Append(s, pos, at - pos).Append(n);
            pos = at + o.Length;
        }
        return sb.Append(s, pos, s.Length - pos).ToString();
    }

    private static string InsertEverywhere(string s, string n)
    {
        var sb = new StringBuilder(n);
        foreach (Rune r in s.EnumerateRunes())
        {
            sb.Append(r.ToString()).Append(n);
        }
        return sb.ToString();
    }

    /// <summary>Python str.split / str.rsplit, with whitespace splitting when sep is None.</summary>
    public static object?[] Split(string s, object? separator, object? maxSplit, bool fromRight)
    {
        long max = maxSplit is null ? -1 : PythonOps.ToLong(maxSplit);
        var parts = new List<string>();
        if (separator is null)
        {
            SplitWhitespace(s, max, fromRight, parts);
        }
        else if (separator is string sep && sep.Length > 0)
        {
            string rest = s;
            while (max < 0 || parts.Count < max)
            {
                int at = fromRight ? rest.LastIndexOf(sep, StringComparison.Ordinal) : rest.IndexOf(sep, StringComparison.Ordinal);
                if (at < 0)
                {
                    break;
                }
                parts.Add(fromRight ? rest[(at + sep.Length)..] : rest[..at]);
                rest = fromRight ? rest[..at] : rest[(at + sep.Length)..];
            }
            parts.Add(rest);
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

    private static void SplitWhitespace(string s, long max, bool fromRight, List<string> parts)
    {
        string rest = fromRight ? s.TrimEnd() : s.TrimStart();
        while (rest.Length > 0)
        {
            if (max >= 0 && parts.Count >= max)
            {
                parts.Add(fromRight ? rest.TrimEnd() : rest.TrimStart());
                return;
            }
            int at = fromRight ? LastWhitespace(rest) : FirstWhitespace(rest);
            if (at < 0)
            {
                parts.Add(rest);
                return;
            }
            parts.Add(fromRight ? rest[(at + 1)..] : rest[..at]);
            rest = fromRight ? rest[..at].TrimEnd() : rest[(at + 1)..].TrimStart();
        }
    }

    private static int FirstWhitespace(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsWhiteSpace(s[i]))
            {
                return i;
            }
        }
        return -1;
    }

    private static int LastWhitespace(string s)
    {
        for (int i = s.Length - 1; i >= 0; i--)
        {
            if (char.IsWhiteSpace(s[i]))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>str.startswith/endswith with a string or a tuple of strings.</summary>
    public static bool Affix(string s, object? affix, bool start)
    {
        if (affix is IReadOnlyList<object?> options)
        {
            foreach (var option in options)
            {
                if (Affix(s, option, start))
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
        return start ? s.StartsWith(a, StringComparison.Ordinal) : s.EndsWith(a, StringComparison.Ordinal);
    }

    /// <summary>str.format with <c>{}</c>, <c>{0}</c>, <c>{name}</c> fields and <c>{{</c>/<c>}}</c> escapes; no format specs.</summary>
    public static string Format(string format, TemplateArguments args)
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
            sb.Append(PythonFormat.Str(value));
            i = close;
        }
        return sb.ToString();
    }
}
