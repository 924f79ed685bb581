using System.Globalization;
using DeepSeek.Sdk.Tokenization.Templates.Nodes;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// Expression grammar, lowest precedence first, as in jinja2 parser.py: conditional, or, and,
/// not, comparison, + -, ~, * / // %, **, unary - +, then primary with postfix
/// (<c>.attr</c>, <c>[index]</c>, calls) and the filter/test chain (<c>| f</c>, <c>is t</c>).
/// </summary>
internal sealed partial class TemplateParser
{
    private static readonly string[] CompareOperators = ["==", "!=", "<", ">", "<=", ">="];

    private Expr ParseTuple(bool withConditional = true)
    {
        int offset = Current.Offset;
        var first = withConditional ? ParseExpression() : ParseOr();
        if (!Current.IsOperator(","))
        {
            return first;
        }
        var items = new List<Expr> { first };
        while (Current.IsOperator(","))
        {
            Advance();
            if (IsTupleEnd())
            {
                break;
            }
            items.Add(withConditional ? ParseExpression() : ParseOr());
        }
        return new TupleExpr(offset, items);
    }

    private bool IsTupleEnd() =>
        Current.Kind is TokenKind.BlockEnd or TokenKind.VariableEnd or TokenKind.EndOfTemplate
        || Current.IsOperator(")") || Current.IsName("if");

    private Expr ParseExpression()
    {
        var expr = ParseOr();
        while (Current.IsName("if"))
        {
            int offset = Advance().Offset;
            var test = ParseOr();
            Expr? otherwise = null;
            if (Current.IsName("else"))
            {
                Advance();
                otherwise = ParseExpression();
            }
            expr = new ConditionalExpr(offset, test, expr, otherwise);
        }
        return expr;
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (Current.IsName("or"))
        {
            int offset = Advance().Offset;
            left = new BinaryExpr(offset, "or", left, ParseAnd());
        }
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (Current.IsName("and"))
        {
            int offset = Advance().Offset;
            left = new BinaryExpr(offset, "and", left, ParseNot());
        }
        return left;
    }

    private Expr ParseNot()
    {
        if (Current.IsName("not"))
        {
            int offset = Advance().Offset;
            return new UnaryExpr(offset, "not", ParseNot());
        }
        return ParseCompare();
    }

    private Expr ParseCompare()
    {
        int offset = Current.Offset;
        var first = ParseMath1();
        var rest = new List<CompareOperand>();
        while (true)
        {
            if (Current.Kind == TokenKind.Operator && Array.IndexOf(CompareOperators, Current.Value) >= 0)
            {
                string op = Advance().Value;
                rest.Add(new CompareOperand(op, ParseMath1()));
            }
            else if (Current.IsName("in"))
            {
                Advance();
                rest.Add(new CompareOperand("in", ParseMath1()));
            }
            else if (Current.IsName("not") && Peek(1).IsName("in"))
            {
                Advance();
                Advance();
                rest.Add(new CompareOperand("not in", ParseMath1()));
            }
            else
            {
                break;
            }
        }
        return rest.Count == 0 ? first : new CompareExpr(offset, first, rest);
    }

    private Expr ParseMath1()
    {
        var left = ParseConcat();
        while (Current.IsOperator("+") || Current.IsOperator("-"))
        {
            var op = Advance();
            left = new BinaryExpr(op.Offset, op.Value, left, ParseConcat());
        }
        return left;
    }

    private Expr ParseConcat()
    {
        var left = ParseMath2();
        while (Current.IsOperator("~"))
        {
            int offset = Advance().Offset;
            left = new BinaryExpr(offset, "~", left, ParseMath2());
        }
        return left;
    }

    private Expr ParseMath2()
    {
        var left = ParsePow();
        while (Current.Kind == TokenKind.Operator && Current.Value is "*" or "/" or "//" or "%")
        {
            var op = Advance();
            left = new BinaryExpr(op.Offset, op.Value, left, ParsePow());
        }
        return left;
    }

    private Expr ParsePow()
    {
        var left = ParseUnary(withFilter: true);
        while (Current.IsOperator("**"))
        {
            int offset = Advance().Offset;
            left = new BinaryExpr(offset, "**", left, ParseUnary(withFilter: true));
        }
        return left;
    }

    private Expr ParseUnary(bool withFilter)
    {
        Expr node;
        if (Current.IsOperator("-") || Current.IsOperator("+"))
        {
            var op = Advance();
            node = new UnaryExpr(op.Offset, op.Value, ParseUnary(withFilter: false));
        }
        else
        {
            node = ParsePostfix(ParsePrimary());
        }
        return withFilter ? ParseFilterChain(node) : node;
    }

    private Expr ParsePrimary()
    {
        var token = Advance();
        switch (token.Kind)
        {
            case TokenKind.Name:
                return token.Value switch
                {
                    "true" or "True" => new LiteralExpr(token.Offset, true),
                    "false" or "False" => new LiteralExpr(token.Offset, false),
                    "none" or "None" => new LiteralExpr(token.Offset, null),
                    _ => Current.IsOperator("(") ? ParseFunctionCall(token) : new NameExpr(token.Offset, token.Value),
                };
            case TokenKind.String:
                string text = token.Value;
                while (Current.Kind == TokenKind.String)
                {
                    text += Advance().Value;
                }
                return new LiteralExpr(token.Offset, text);
            case TokenKind.Integer:
                if (!long.TryParse(token.Value, NumberStyles.None, CultureInfo.InvariantCulture, out long integer))
                {
                    throw Error(token, $"integer literal {token.Value} does not fit in 64 bits");
                }
                return new LiteralExpr(token.Offset, integer);
            case TokenKind.Float:
                return new LiteralExpr(token.Offset, double.Parse(token.Value, NumberStyles.Float, CultureInfo.InvariantCulture));
            case TokenKind.Operator when token.Value == "(":
                return ParseParenthesized(token);
            case TokenKind.Operator when token.Value == "[":
                var items = new List<Expr>();
                while (!Current.IsOperator("]"))
                {
                    if (items.Count > 0)
                    {
                        ExpectOperator(",");
                        if (Current.IsOperator("]"))
                        {
                            break;
                        }
                    }
                    items.Add(ParseExpression());
                }
                Advance();
                return new ListExpr(token.Offset, items);
            case TokenKind.Operator when token.Value == "{":
                var pairs = new List<KeyValuePair<Expr, Expr>>();
                while (!Current.IsOperator("}"))
                {
                    if (pairs.Count > 0)
                    {
                        ExpectOperator(",");
                        if (Current.IsOperator("}"))
                        {
                            break;
                        }
                    }
                    var key = ParseExpression();
                    ExpectOperator(":");
                    pairs.Add(new(key, ParseExpression()));
                }
                Advance();
                return new DictExpr(token.Offset, pairs);
            default:
                throw Error(token, $"unexpected {Describe(token)} in an expression");
        }
    }

    private Expr ParseParenthesized(TemplateToken open)
    {
        if (Current.IsOperator(")"))
        {
            Advance();
            return new TupleExpr(open.Offset, []);
        }
        var first = ParseExpression();
        if (Current.IsOperator(")"))
        {
            Advance();
            return first;
        }
        var items = new List<Expr> { first };
        while (Current.IsOperator(","))
        {
            Advance();
            if (Current.IsOperator(")"))
            {
                break;
            }
            items.Add(ParseExpression());
        }
        ExpectOperator(")");
        return new TupleExpr(open.Offset, items);
    }

    private Expr ParseFunctionCall(TemplateToken name)
    {
        if (!TemplateFunctions.IsKnown(name.Value))
        {
            throw Error(name, $"unknown function '{name.Value}'");
        }
        return new FunctionCallExpr(name.Offset, name.Value, ParseCallArguments());
    }

    private Expr ParsePostfix(Expr node)
    {
        while (true)
        {
            if (Current.IsOperator("."))
            {
                Advance();
                var name = Current;
                if (name.Kind == TokenKind.Integer)
                {
                    Advance();
                    node = new IndexExpr(name.Offset, node, new LiteralExpr(name.Offset, long.Parse(name.Value, CultureInfo.InvariantCulture)));
                    continue;
                }
                ExpectName("an attribute name");
                if (Current.IsOperator("("))
                {
                    if (!TemplateMethods.IsKnown(name.Value))
                    {
                        throw Error(name, $"unknown method '{name.Value}'");
                    }
                    node = new MethodCallExpr(name.Offset, node, name.Value, ParseCallArguments());
                }
                else
                {
                    node = new AttributeExpr(name.Offset, node, name.Value);
                }
            }
            else if (Current.IsOperator("["))
            {
                node = ParseSubscript(Advance(), node);
            }
            else if (Current.IsOperator("("))
            {
                throw Error(Current, "only global functions and known methods can be called");
            }
            else
            {
                return node;
            }
        }
    }

    private Expr ParseSubscript(TemplateToken open, Expr target)
    {
        Expr? start = null;
        if (!Current.IsOperator(":"))
        {
            start = ParseExpression();
            if (Current.IsOperator("]"))
            {
                Advance();
                return new IndexExpr(open.Offset, target, start);
            }
        }
        ExpectOperator(":");
        Expr? stop = Current.IsOperator(":") || Current.IsOperator("]") ? null : ParseExpression();
        Expr? step = null;
        if (Current.IsOperator(":"))
        {
            Advance();
            step = Current.IsOperator("]") ? null : ParseExpression();
        }
        ExpectOperator("]");
        return new SliceExpr(open.Offset, target, start, stop, step);
    }

    private Expr ParseFilterChain(Expr node)
    {
        while (true)
        {
            if (Current.IsOperator("|"))
            {
                Advance();
                var name = ExpectName("a filter name");
                if (!TemplateFilters.IsKnown(name.Value))
                {
                    throw Error(name, $"unknown filter '{name.Value}'");
                }
                var args = Current.IsOperator("(") ? ParseCallArguments() : CallArguments.None;
                node = new FilterExpr(name.Offset, node, name.Value, args);
            }
            else if (Current.IsName("is"))
            {
                Advance();
                bool negated = false;
                if (Current.IsName("not"))
                {
                    Advance();
                    negated = true;
                }
                var name = ExpectName("a test name");
                if (!TemplateTests.IsKnown(name.Value))
                {
                    throw Error(name, $"unknown test '{name.Value}'");
                }
                node = new TestExpr(name.Offset, node, name.Value, ParseTestArguments(), negated);
            }
            else
            {
                return node;
            }
        }
    }

    // jinja2 parser.py parse_test: a test takes parenthesized arguments, or one bare primary
    // argument (`x is divisibleby 3`) unless the next word continues the enclosing expression.
    private CallArguments ParseTestArguments()
    {
        if (Current.IsOperator("("))
        {
            return ParseCallArguments();
        }
        bool startsPrimary = Current.Kind is TokenKind.Name or TokenKind.String or TokenKind.Integer or TokenKind.Float
            || Current.IsOperator("[") || Current.IsOperator("{");
        if (!startsPrimary || Current.IsName("else") || Current.IsName("or") || Current.IsName("and")
            || Current.IsName("if") || Current.IsName("in") || Current.IsName("not") || Current.IsName("is"))
        {
            return CallArguments.None;
        }
        return new CallArguments([ParsePostfix(ParsePrimary())], []);
    }

    private CallArguments ParseCallArguments()
    {
        ExpectOperator("(");
        var positional = new List<Expr>();
        var named = new List<KeyValuePair<string, Expr>>();
        while (!Current.IsOperator(")"))
        {
            if (positional.Count + named.Count > 0)
            {
                ExpectOperator(",");
                if (Current.IsOperator(")"))
                {
                    break;
                }
            }
            if (Current.Kind == TokenKind.Name && Peek(1).IsOperator("="))
            {
                string key = Advance().Value;
                Advance();
                named.Add(new(key, ParseExpression()));
            }
            else
            {
                if (named.Count > 0)
                {
                    throw Error(Current, "positional argument after a keyword argument");
                }
                positional.Add(ParseExpression());
            }
        }
        Advance();
        return new CallArguments(positional, named);
    }
}
