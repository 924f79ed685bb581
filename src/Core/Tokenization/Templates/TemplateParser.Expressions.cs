using System.Globalization;
using System.Text;
using DeepSeek.Sdk.Tokenization.Templates.Nodes;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// Expression grammar, lowest precedence first, as in jinja2 parser.py: conditional, or, and,
/// not, comparison, + -, ~, * / // %, **, unary - +, then primary with postfix
/// (<c>.attr</c>, <c>[index]</c>, calls) and the filter/test chain (<c>| f</c>, <c>is t</c>).
/// Each expression, unary operator and chain link enters a nesting level (see <see cref="Enter"/>).
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
        Enter(Current);
        var expr = ParseOr();
        int links = 0;
        while (Current.IsName("if"))
        {
            Enter(Current);
            links++;
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
        Exit(links + 1);
        return expr;
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        int links = 0;
        while (Current.IsName("or"))
        {
            Enter(Current);
            links++;
            int offset = Advance().Offset;
            left = new BinaryExpr(offset, "or", left, ParseAnd());
        }
        Exit(links);
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        int links = 0;
        while (Current.IsName("and"))
        {
            Enter(Current);
            links++;
            int offset = Advance().Offset;
            left = new BinaryExpr(offset, "and", left, ParseNot());
        }
        Exit(links);
        return left;
    }

    private Expr ParseNot()
    {
        if (Current.IsName("not"))
        {
            Enter(Current);
            int offset = Advance().Offset;
            var operand = ParseNot();
            Exit();
            return new UnaryExpr(offset, "not", operand);
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
        int links = 0;
        while (Current.IsOperator("+") || Current.IsOperator("-"))
        {
            Enter(Current);
            links++;
            var op = Advance();
            left = new BinaryExpr(op.Offset, op.Value, left, ParseConcat());
        }
        Exit(links);
        return left;
    }

    private Expr ParseConcat()
    {
        var left = ParseMath2();
        int links = 0;
        while (Current.IsOperator("~"))
        {
            Enter(Current);
            links++;
            int offset = Advance().Offset;
            left = new BinaryExpr(offset, "~", left, ParseMath2());
        }
        Exit(links);
        return left;
    }

    private Expr ParseMath2()
    {
        var left = ParsePow();
        int links = 0;
        while (Current.Kind == TokenKind.Operator && Current.Value is "*" or "/" or "//" or "%")
        {
            Enter(Current);
            links++;
            var op = Advance();
            left = new BinaryExpr(op.Offset, op.Value, left, ParsePow());
        }
        Exit(links);
        return left;
    }

    private Expr ParsePow()
    {
        var left = ParseUnary(withFilter: true);
        int links = 0;
        while (Current.IsOperator("**"))
        {
            Enter(Current);
            links++;
            int offset = Advance().Offset;
            left = new BinaryExpr(offset, "**", left, ParseUnary(withFilter: true));
        }
        Exit(links);
        return left;
    }

    private Expr ParseUnary(bool withFilter)
    {
        Expr node;
        if (Current.IsOperator("-") || Current.IsOperator("+"))
        {
            Enter(Current);
            var op = Advance();
            node = new UnaryExpr(op.Offset, op.Value, ParseUnary(withFilter: false));
            Exit();
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
                if (Current.Kind != TokenKind.String)
                {
                    return new LiteralExpr(token.Offset, token.Value);
                }
                // Adjacent literals join ('a' 'b' is 'ab'); a builder keeps a long run linear.
                var text = new StringBuilder(token.Value);
                while (Current.Kind == TokenKind.String)
                {
                    text.Append(Advance().Value);
                }
                return new LiteralExpr(token.Offset, text.ToString());
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
}
