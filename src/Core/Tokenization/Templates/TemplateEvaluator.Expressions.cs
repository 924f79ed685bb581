using DeepSeek.Sdk.Tokenization.Templates.Nodes;

namespace DeepSeek.Sdk.Tokenization.Templates;

internal sealed partial class TemplateEvaluator
{
    private object? Eval(Expr expr)
    {
        try
        {
            return EvalCore(expr);
        }
        catch (TemplateOperationException e)
        {
            throw RuntimeError(expr.Offset, e.Message);
        }
    }

    private object? EvalCore(Expr expr)
    {
        switch (expr)
        {
            case LiteralExpr literal:
                return literal.Value;
            case NameExpr name:
                return _scope.TryGet(name.Name, out var value) ? value : new Undefined($"'{name.Name}' is undefined");
            case AttributeExpr attribute:
                return ValueAccess.GetAttribute(Eval(attribute.Target), attribute.Name);
            case IndexExpr index:
                return ValueAccess.GetItem(Eval(index.Target), Eval(index.Index));
            case SliceExpr slice:
                return ValueAccess.Slice(Eval(slice.Target), EvalOptional(slice.Start), EvalOptional(slice.Stop), EvalOptional(slice.Step));
            case UnaryExpr unary:
                return EvalUnary(unary);
            case BinaryExpr { Operator: "and" } and:
                var left = Eval(and.Left);
                return PythonOps.IsTrue(left) ? Eval(and.Right) : left;
            case BinaryExpr { Operator: "or" } or:
                var first = Eval(or.Left);
                return PythonOps.IsTrue(first) ? first : Eval(or.Right);
            case BinaryExpr binary:
                return Arithmetic.Apply(binary.Operator, Eval(binary.Left), Eval(binary.Right));
            case CompareExpr compare:
                return EvalCompare(compare);
            case ConditionalExpr conditional:
                return PythonOps.IsTrue(Eval(conditional.Test))
                    ? Eval(conditional.Then)
                    : conditional.Otherwise is null ? new Undefined("the inline if has no else branch") : Eval(conditional.Otherwise);
            case ListExpr list:
                return EvalItems(list.Items);
            case TupleExpr tuple:
                return new TemplateTuple(EvalItems(tuple.Items));
            case DictExpr dict:
                var result = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (keyExpr, valueExpr) in dict.Items)
                {
                    if (Eval(keyExpr) is not string key)
                    {
                        throw RuntimeError(keyExpr.Offset, "dict literal keys must be strings");
                    }
                    result[key] = Eval(valueExpr);
                }
                return result;
            case FilterExpr filter:
                return TemplateFilters.Apply(filter.Name, Eval(filter.Input), EvalArguments(filter.Arguments));
            case TestExpr test:
                return TemplateTests.Apply(test.Name, Eval(test.Input), EvalArguments(test.Arguments)) != test.Negated;
            case MethodCallExpr method:
                var target = Eval(method.Target);
                return TemplateMethods.Call(target, method.Name, EvalArguments(method.Arguments));
            case FunctionCallExpr call:
                return EvalFunction(call);
            default:
                throw RuntimeError(expr.Offset, $"unsupported expression {expr.GetType().Name}");
        }
    }

    private object? EvalOptional(Expr? expr) => expr is null ? null : Eval(expr);

    private object?[] EvalItems(IReadOnlyList<Expr> items)
    {
        var values = new object?[items.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Eval(items[i]);
        }
        return values;
    }

    private TemplateArguments EvalArguments(CallArguments arguments)
    {
        if (arguments.Positional.Count == 0 && arguments.Named.Count == 0)
        {
            return TemplateArguments.Empty;
        }
        var named = new KeyValuePair<string, object?>[arguments.Named.Count];
        for (int i = 0; i < named.Length; i++)
        {
            named[i] = new(arguments.Named[i].Key, Eval(arguments.Named[i].Value));
        }
        return new TemplateArguments(EvalItems(arguments.Positional), named);
    }

    private object? EvalUnary(UnaryExpr unary)
    {
        var operand = Eval(unary.Operand);
        return unary.Operator switch
        {
            "not" => !PythonOps.IsTrue(operand),
            "-" when PythonOps.IsInteger(operand) => checked(-PythonOps.ToLong(operand)),
            "-" when operand is double d => -d,
            "+" when PythonOps.IsNumber(operand) => operand is bool b ? (b ? 1L : 0L) : operand,
            _ => throw new TemplateOperationException(operand is Undefined u ? u.Hint : $"bad operand type for unary {unary.Operator}: '{PythonFormat.TypeName(operand)}'"),
        };
    }

    private bool EvalCompare(CompareExpr compare)
    {
        var left = Eval(compare.First);
        foreach (var link in compare.Rest)
        {
            var right = Eval(link.Operand);
            bool holds = link.Operator switch
            {
                "==" => PythonOps.Equals(left, right),
                "!=" => !PythonOps.Equals(left, right),
                "<" => PythonOps.Compare(left, right) < 0,
                ">" => PythonOps.Compare(left, right) > 0,
                "<=" => PythonOps.Compare(left, right) <= 0,
                ">=" => PythonOps.Compare(left, right) >= 0,
                "in" => PythonOps.Contains(right, left),
                "not in" => !PythonOps.Contains(right, left),
                _ => throw new TemplateOperationException($"unknown comparison {link.Operator}"),
            };
            if (!holds)
            {
                return false;
            }
            left = right;
        }
        return true;
    }

    private object? EvalFunction(FunctionCallExpr call)
    {
        var args = EvalArguments(call.Arguments);
        if (call.Name == "raise_exception")
        {
            args.Expect(call.Name, "message");
            var (line, column) = _source.Locate(call.Offset);
            throw new TemplateRaisedException(_source.Name, line, column, PythonFormat.Str(args.Get(0, "message", "")));
        }
        return TemplateFunctions.Call(call.Name, args, _clock);
    }
}
