using System.Runtime.CompilerServices;
using DeepSeek.Sdk.Tokenization.Templates.Nodes;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// Recursive-descent parser from tokens to the statement tree, following jinja2's parser.py.
/// Everything the interpreter cannot run (an unknown tag, filter, test, function or method) is
/// rejected here with its line and column, before any render.
/// </summary>
/// <remarks>
/// Every construct that nests (a block's body, a bracketed or called expression, a unary operator, each
/// link of an operator, filter or attribute chain) enters one level, and the parser refuses to go deeper
/// than <see cref="TemplateLimits.MaxNestingDepth"/> before it recurses. The tree it returns is therefore
/// shallow too, which bounds the evaluator's recursion as well as its own: 5000 nested parentheses fail
/// here with a typed error instead of ending the process with a stack overflow.
/// </remarks>
internal sealed partial class TemplateParser
{
    private readonly SourceText _source;
    private readonly List<TemplateToken> _tokens;
    private readonly int _maxDepth;
    private int _index;
    private int _loopDepth;
    private int _depth;

    private TemplateParser(SourceText source, List<TemplateToken> tokens, int maxDepth)
    {
        _source = source;
        _tokens = tokens;
        _maxDepth = maxDepth;
    }

    public static IReadOnlyList<Stmt> Parse(SourceText source, TemplateLimits limits)
    {
        var parser = new TemplateParser(source, TemplateLexer.Tokenize(source), limits.MaxNestingDepth);
        var body = parser.ParseBody([], out _, opener: null);
        return body;
    }

    /// <summary>Enters one nesting level at <paramref name="at"/>, or fails if that is one too many.</summary>
    private void Enter(TemplateToken at)
    {
        if (++_depth > _maxDepth)
        {
            throw LimitError(at, $"the template nests deeper than {_maxDepth} levels (block tags, brackets, calls and chained operators each count one)");
        }
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw LimitError(at, "the calling thread has too little stack left to parse this deeply; parse on a thread with a larger stack or lower");
        }
    }

    private void Exit(int levels = 1) => _depth -= levels;

    private TemplateLimitExceededException LimitError(TemplateToken at, string reason)
    {
        var (line, column) = _source.Locate(at.Offset);
        return new TemplateLimitExceededException(_source.Name, line, column, reason, nameof(TemplateLimits.MaxNestingDepth), _maxDepth);
    }

    private TemplateToken Current => _tokens[_index];

    private TemplateToken Peek(int ahead) => _tokens[Math.Min(_index + ahead, _tokens.Count - 1)];

    private TemplateToken Advance() => _tokens[_index++];

    /// <summary>
    /// Parses statements until a block tag whose name is in <paramref name="endTags"/>; leaves the
    /// stream after that tag's name and reports which it was. At top level the set is empty and the
    /// body ends at the end of the template.
    /// </summary>
    private List<Stmt> ParseBody(string[] endTags, out string endTag, TemplateToken? opener)
    {
        if (opener is not null)
        {
            Enter(opener.Value);
        }
        var body = new List<Stmt>();
        while (true)
        {
            var token = Current;
            switch (token.Kind)
            {
                case TokenKind.Text:
                    Advance();
                    body.Add(new TextStmt(token.Offset, token.Value));
                    break;
                case TokenKind.VariableBegin:
                    Advance();
                    var value = ParseTuple();
                    Expect(TokenKind.VariableEnd, "'}}'");
                    body.Add(new OutputStmt(token.Offset, value));
                    break;
                case TokenKind.BlockBegin:
                    Advance();
                    var name = Current;
                    if (name.Kind != TokenKind.Name)
                    {
                        throw Error(name, "expected a tag name after '{%'");
                    }
                    if (Array.IndexOf(endTags, name.Value) >= 0)
                    {
                        Advance();
                        endTag = name.Value;
                        Exit();
                        return body;
                    }
                    body.AddRange(ParseStatement(endTags, opener));
                    break;
                case TokenKind.EndOfTemplate:
                    if (endTags.Length > 0)
                    {
                        var (line, _) = _source.Locate(opener!.Value.Offset);
                        throw Error(token, $"unexpected end of template: the '{opener.Value.Value}' tag opened on line {line} is missing {{% {endTags[^1]} %}}");
                    }
                    endTag = "";
                    return body;
                default:
                    throw Error(token, $"unexpected token '{token.Value}'");
            }
        }
    }

    private IEnumerable<Stmt> ParseStatement(string[] enclosingEndTags, TemplateToken? enclosingOpener)
    {
        var tag = Advance();
        switch (tag.Value)
        {
            case "if":
                return [ParseIf(tag)];
            case "for":
                return [ParseFor(tag)];
            case "set":
                return [ParseSet(tag)];
            case "break":
            case "continue":
                if (_loopDepth == 0)
                {
                    throw Error(tag, $"'{tag.Value}' outside of a for loop");
                }
                ExpectBlockEnd();
                return [new LoopControlStmt(tag.Offset, tag.Value == "break")];
            case "generation":
                // transformers' AssistantTracker extension: {% generation %} marks assistant text for
                // return_assistant_tokens_mask and renders its body unchanged.
                ExpectBlockEnd();
                var body = ParseBody(["endgeneration"], out _, tag);
                ExpectBlockEnd();
                return body;
            default:
                string expected = enclosingEndTags.Length == 0
                    ? ""
                    : $"; the '{enclosingOpener!.Value.Value}' tag on line {_source.Locate(enclosingOpener.Value.Offset).Line} expects {string.Join(" or ", Array.ConvertAll(enclosingEndTags, t => $"'{t}'"))}";
                throw Error(tag, $"unknown or unexpected tag '{tag.Value}'{expected}");
        }
    }

    private IfStmt ParseIf(TemplateToken tag)
    {
        var branches = new List<IfBranch>();
        List<Stmt>? otherwise = null;
        var condition = ParseTuple();
        ExpectBlockEnd();
        while (true)
        {
            var body = ParseBody(["elif", "else", "endif"], out string end, tag);
            branches.Add(new IfBranch(condition, body));
            if (end == "elif")
            {
                condition = ParseTuple();
                ExpectBlockEnd();
                continue;
            }
            ExpectBlockEnd();
            if (end == "else")
            {
                otherwise = ParseBody(["endif"], out _, tag);
                ExpectBlockEnd();
            }
            return new IfStmt(tag.Offset, branches, otherwise);
        }
    }

    private ForStmt ParseFor(TemplateToken tag)
    {
        var targets = new List<string> { ExpectName("a loop variable").Value };
        while (Current.IsOperator(","))
        {
            Advance();
            targets.Add(ExpectName("a loop variable").Value);
        }
        if (!Current.IsName("in"))
        {
            throw Error(Current, "expected 'in' in a for tag");
        }
        Advance();
        var iterable = ParseTuple(withConditional: false);
        Expr? filter = null;
        if (Current.IsName("if"))
        {
            Advance();
            filter = ParseExpression();
        }
        if (Current.IsName("recursive"))
        {
            throw Error(Current, "recursive for loops are not supported");
        }
        ExpectBlockEnd();
        _loopDepth++;
        var body = ParseBody(["else", "endfor"], out string end, tag);
        _loopDepth--;
        ExpectBlockEnd();
        List<Stmt>? otherwise = null;
        if (end == "else")
        {
            otherwise = ParseBody(["endfor"], out _, tag);
            ExpectBlockEnd();
        }
        return new ForStmt(tag.Offset, targets, iterable, filter, body, otherwise);
    }

    private Stmt ParseSet(TemplateToken tag)
    {
        var first = ExpectName("a variable name");
        AssignTarget target;
        if (Current.IsOperator("."))
        {
            Advance();
            target = new AssignTarget([first.Value], ExpectName("an attribute name").Value);
        }
        else
        {
            var names = new List<string> { first.Value };
            while (Current.IsOperator(","))
            {
                Advance();
                names.Add(ExpectName("a variable name").Value);
            }
            target = new AssignTarget(names, null);
        }
        if (Current.IsOperator("="))
        {
            Advance();
            var value = ParseTuple();
            ExpectBlockEnd();
            return new SetStmt(tag.Offset, target, value);
        }
        if (Current.Kind != TokenKind.BlockEnd)
        {
            throw Error(Current, "expected '=' or '%}' in a set tag (filters on block set are not supported)");
        }
        Advance();
        var body = ParseBody(["endset"], out _, tag);
        ExpectBlockEnd();
        return new SetBlockStmt(tag.Offset, target, body);
    }

    private void ExpectBlockEnd() => Expect(TokenKind.BlockEnd, "'%}'");

    private TemplateToken Expect(TokenKind kind, string what)
    {
        if (Current.Kind != kind)
        {
            throw Error(Current, $"expected {what} but found {Describe(Current)}");
        }
        return Advance();
    }

    private TemplateToken ExpectName(string what)
    {
        if (Current.Kind != TokenKind.Name)
        {
            throw Error(Current, $"expected {what} but found {Describe(Current)}");
        }
        return Advance();
    }

    private void ExpectOperator(string op)
    {
        if (!Current.IsOperator(op))
        {
            throw Error(Current, $"expected '{op}' but found {Describe(Current)}");
        }
        Advance();
    }

    private static string Describe(TemplateToken token) => token.Kind switch
    {
        TokenKind.BlockEnd => "'%}'",
        TokenKind.VariableEnd => "'}}'",
        TokenKind.EndOfTemplate => "the end of the template",
        TokenKind.String => "a string",
        _ => $"'{token.Value}'",
    };

    private TemplateSyntaxException Error(TemplateToken token, string reason) => _source.SyntaxError(token.Offset, reason);
}
