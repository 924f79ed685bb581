using System.Text;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// Splits a template into text and tag tokens the way jinja2's lexer does under the environment
/// transformers builds (chat_template_utils.py: trim_blocks=True, lstrip_blocks=True):
/// <list type="bullet">
/// <item><c>{%-</c>, <c>{{-</c>, <c>{#-</c> strip all whitespace before the tag; <c>-%}</c>,
/// <c>-}}</c>, <c>-#}</c> strip all whitespace after it.</item>
/// <item>trim_blocks: the first newline right after a block or comment tag is removed.</item>
/// <item>lstrip_blocks: spaces and tabs between the start of a line and a block or comment tag are
/// removed, unless the tag opens with <c>{%+</c>.</item>
/// </list>
/// Comments are dropped here. Inside tags, <c>}}</c> only closes a variable tag when brackets
/// are balanced, so dict literals can be printed.
/// </summary>
internal sealed class TemplateLexer
{
    private static readonly string[] TwoCharOperators = ["//", "**", "==", "!=", "<=", ">="];
    private const string OneCharOperators = "+-*/%~<>=()[]{},.:|";

    private readonly SourceText _source;
    private readonly string _text;
    private readonly List<TemplateToken> _tokens = [];
    private int _pos;

    private TemplateLexer(SourceText source)
    {
        _source = source;
        _text = source.Text;
    }

    public static List<TemplateToken> Tokenize(SourceText source)
    {
        var lexer = new TemplateLexer(source);
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        while (_pos < _text.Length)
        {
            int tagStart = FindTagStart(_pos);
            int dataStart = _pos;
            if (tagStart < 0)
            {
                AddText(_text[dataStart..], dataStart);
                break;
            }
            string data = _text[dataStart..tagStart];
            char kind = _text[tagStart + 1];
            int inner = tagStart + 2;
            char marker = inner < _text.Length ? _text[inner] : '\0';
            if (marker == '-')
            {
                data = data.TrimEnd();
                inner++;
            }
            else
            {
                if (marker == '+' && kind != '{')
                {
                    inner++;
                }
                else if (kind != '{')
                {
                    data = StripLineIndent(data, dataStart);
                }
            }
            AddText(data, dataStart);
            _pos = inner;
            if (kind == '#')
            {
                SkipComment(tagStart);
            }
            else
            {
                LexTag(kind == '%', tagStart);
            }
        }
        _tokens.Add(new TemplateToken(TokenKind.EndOfTemplate, "", _text.Length));
    }

    private int FindTagStart(int from)
    {
        int i = from;
        while (true)
        {
            i = _text.IndexOf('{', i);
            if (i < 0 || i + 1 >= _text.Length)
            {
                return -1;
            }
            char next = _text[i + 1];
            if (next == '{' || next == '%' || next == '#')
            {
                return i;
            }
            i++;
        }
    }

    // lstrip_blocks: jinja2 lexer.py strips the text between the last newline and the tag when it is
    // only spaces and tabs, or the whole text when it starts a line.
    private string StripLineIndent(string data, int dataStart)
    {
        int lineStart = data.LastIndexOf('\n') + 1;
        bool lineStarting = dataStart == 0 || _text[dataStart - 1] == '\n';
        if (lineStart == 0 && !lineStarting)
        {
            return data;
        }
        for (int i = lineStart; i < data.Length; i++)
        {
            if (data[i] != ' ' && data[i] != '\t')
            {
                return data;
            }
        }
        return data[..lineStart];
    }

    private void AddText(string data, int offset)
    {
        if (data.Length > 0)
        {
            _tokens.Add(new TemplateToken(TokenKind.Text, data, offset));
        }
    }

    private void SkipComment(int tagStart)
    {
        int end = _text.IndexOf("#}", _pos, StringComparison.Ordinal);
        if (end < 0)
        {
            throw _source.SyntaxError(tagStart, "unterminated comment: missing '#}'");
        }
        bool stripAfter = end > _pos && _text[end - 1] == '-';
        _pos = end + 2;
        SkipAfterTag(stripAfter, trimNewline: true);
    }

    private void SkipAfterTag(bool stripAfter, bool trimNewline)
    {
        if (stripAfter)
        {
            while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
            {
                _pos++;
            }
        }
        else if (trimNewline && _pos < _text.Length && _text[_pos] == '\n')
        {
            _pos++;
        }
    }

    private void LexTag(bool isBlock, int tagStart)
    {
        _tokens.Add(new TemplateToken(isBlock ? TokenKind.BlockBegin : TokenKind.VariableBegin, "", tagStart));
        int depth = 0;
        string close = isBlock ? "%}" : "}}";
        while (true)
        {
            SkipWhitespace();
            if (_pos >= _text.Length)
            {
                throw _source.SyntaxError(tagStart, $"unterminated tag: missing '{close}'");
            }
            if (depth == 0 && TryLexTagEnd(isBlock, close))
            {
                return;
            }
            char c = _text[_pos];
            if (char.IsAsciiLetter(c) || c == '_')
            {
                LexName();
            }
            else if (char.IsAsciiDigit(c))
            {
                LexNumber();
            }
            else if (c == '\'' || c == '"')
            {
                LexString(c);
            }
            else
            {
                string op = LexOperator();
                if (op is "(" or "[" or "{")
                {
                    depth++;
                }
                else if (op is ")" or "]" or "}")
                {
                    depth = Math.Max(0, depth - 1);
                }
            }
        }
    }

    private bool TryLexTagEnd(bool isBlock, string close)
    {
        bool strip = _text[_pos] == '-' && string.CompareOrdinal(_text, _pos + 1, close, 0, 2) == 0;
        if (!strip && string.CompareOrdinal(_text, _pos, close, 0, 2) != 0)
        {
            return false;
        }
        int offset = _pos;
        _pos += strip ? 3 : 2;
        _tokens.Add(new TemplateToken(isBlock ? TokenKind.BlockEnd : TokenKind.VariableEnd, "", offset));
        SkipAfterTag(strip, trimNewline: isBlock);
        return true;
    }

    private void SkipWhitespace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
        {
            _pos++;
        }
    }

    private void LexName()
    {
        int start = _pos;
        while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '_'))
        {
            _pos++;
        }
        _tokens.Add(new TemplateToken(TokenKind.Name, _text[start.._pos], start));
    }

    private void LexNumber()
    {
        int start = _pos;
        bool isFloat = false;
        SkipDigits();
        if (_pos + 1 < _text.Length && _text[_pos] == '.' && char.IsAsciiDigit(_text[_pos + 1]))
        {
            isFloat = true;
            _pos++;
            SkipDigits();
        }
        if (_pos < _text.Length && (_text[_pos] == 'e' || _text[_pos] == 'E'))
        {
            int save = _pos;
            _pos++;
            if (_pos < _text.Length && (_text[_pos] == '+' || _text[_pos] == '-'))
            {
                _pos++;
            }
            if (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
            {
                isFloat = true;
                SkipDigits();
            }
            else
            {
                _pos = save;
            }
        }
        string value = _text[start.._pos].Replace("_", "", StringComparison.Ordinal);
        _tokens.Add(new TemplateToken(isFloat ? TokenKind.Float : TokenKind.Integer, value, start));
    }

    private void SkipDigits()
    {
        while (_pos < _text.Length && (char.IsAsciiDigit(_text[_pos]) || _text[_pos] == '_'))
        {
            _pos++;
        }
    }

    // String literals are unescaped like Python's (jinja2 lexer.py uses a codecs-based unescape):
    // known escapes become their character, unknown ones keep the backslash.
    private void LexString(char quote)
    {
        int start = _pos;
        _pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw _source.SyntaxError(start, "unterminated string literal");
            }
            char c = _text[_pos++];
            if (c == quote)
            {
                break;
            }
            if (c != '\\' || _pos >= _text.Length)
            {
                sb.Append(c);
                continue;
            }
            char e = _text[_pos++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case '0': sb.Append('\0'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case '\n': break;
                case 'x': AppendCodePoint(sb, 2, start); break;
                case 'u': AppendCodePoint(sb, 4, start); break;
                case 'U': AppendCodePoint(sb, 8, start); break;
                default: sb.Append('\\').Append(e); break;
            }
        }
        _tokens.Add(new TemplateToken(TokenKind.String, sb.ToString(), start));
    }

    private void AppendCodePoint(StringBuilder sb, int digits, int literalStart)
    {
        if (_pos + digits > _text.Length
            || !int.TryParse(_text.AsSpan(_pos, digits), System.Globalization.NumberStyles.AllowHexSpecifier, null, out int cp)
            || !Rune.IsValid(cp))
        {
            throw _source.SyntaxError(literalStart, $"invalid \\{(digits == 2 ? 'x' : digits == 4 ? 'u' : 'U')} escape in string literal");
        }
        sb.Append(new Rune(cp).ToString());
        _pos += digits;
    }

    private string LexOperator()
    {
        int start = _pos;
        foreach (string op in TwoCharOperators)
        {
            if (string.CompareOrdinal(_text, _pos, op, 0, 2) == 0)
            {
                _pos += 2;
                _tokens.Add(new TemplateToken(TokenKind.Operator, op, start));
                return op;
            }
        }
        char c = _text[_pos];
        if (OneCharOperators.Contains(c, StringComparison.Ordinal))
        {
            _pos++;
            string op = c.ToString();
            _tokens.Add(new TemplateToken(TokenKind.Operator, op, start));
            return op;
        }
        throw _source.SyntaxError(start, $"unexpected character '{c}' inside a tag");
    }
}
