using System.Globalization;
using DeepSeek.Sdk.Tokenization.Templates.Nodes;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// Postfix syntax: calls, <c>.attr</c>, <c>[index]</c> and slices, and the filter/test chain.
/// Unknown function, method, filter and test names are rejected here, at parse time.
/// </summary>
internal sealed partial class TemplateParser
{
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
        int links = 0;
        while (true)
        {
            if (Current.IsOperator(".") || Current.IsOperator("["))
            {
                Enter(Current);
                links++;
            }
            if (Current.IsOperator("."))
            {
                Advance();
                var name = Current;
                if (name.Kind == TokenKind.Integer)
                {
                    Advance();
                    if (!long.TryParse(name.Value, NumberStyles.None, CultureInfo.InvariantCulture, out long index))
                    {
                        throw Error(name, $"integer literal {name.Value} does not fit in 64 bits");
                    }
                    node = new IndexExpr(name.Offset, node, new LiteralExpr(name.Offset, index));
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
                Exit(links);
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
        int links = 0;
        while (true)
        {
            if (Current.IsOperator("|") || Current.IsName("is"))
            {
                Enter(Current);
                links++;
            }
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
                Exit(links);
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
