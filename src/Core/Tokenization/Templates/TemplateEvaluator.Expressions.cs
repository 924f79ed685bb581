using DeepSeek.Sdk.Tokenization.Templates.Nodes;

namespace DeepSeek.Sdk.Tokenization.Templates;

internal sealed partial class TemplateEvaluator
{
    private object? Eval(Expr expr)
    {
        try
        {
            _budget.EnsureStack();
            return EvalCore(expr);
        }
        catch (TemplateOperationException e)
        {
            throw LocatedError(expr.Offset, e);
        }
    }

    /// <summary>Charges <paramref name="bytes"/> of work (see <see cref="OperationCost"/>) and passes the result on.</summary>
    private object? Charged(object? result, long? bytes)
    {
        if (bytes is long cost)
        {
            _budget.Charge(cost);
        }
        return result;
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
                var container = Eval(index.Target);
                var item = ValueAccess.GetItem(container, Eval(index.Index));
                // Indexing a string walks its code points; a list or dict lookup is constant work.
                return container is string ? Charged(item, OperationCost.StringSize(container)) : item;
            case SliceExpr slice:
                var sliced = Eval(slice.Target);
                var part = ValueAccess.Slice(sliced, EvalOptional(slice.Start), EvalOptional(slice.Stop), EvalOptional(slice.Step));
                return Charged(part, OperationCost.StringSize(sliced) + RenderBudget.SizeOf(part));
            case UnaryExpr unary:
                return EvalUnary(unary);
            case BinaryExpr { Operator: "and" } and:
                var left = Eval(and.Left);
                return PythonOps.IsTrue(left) ? Eval(and.Right) : left;
            case BinaryExpr { Operator: "or" } or:
                var first = Eval(or.Left);
                return PythonOps.IsTrue(first) ? first : Eval(or.Right);
            case BinaryExpr binary:
                var a = Eval(binary.Left);
                var b = Eval(binary.Right);
                var computed = Arithmetic.Apply(binary.Operator, a, b, _budget);
                return Charged(computed, OperationCost.StringSize(a) + OperationCost.StringSize(b) + RenderBudget.SizeOf(computed));
            case CompareExpr compare:
                return EvalCompare(compare);
            case ConditionalExpr conditional:
                return PythonOps.IsTrue(Eval(conditional.Test))
                    ? Eval(conditional.Then)
                    : conditional.Otherwise is null ? new Undefined("the inline if has no else branch") : Eval(conditional.Otherwise);
            case ListExpr list:
                var items = EvalItems(list.Items);
                return Charged(items, RenderBudget.SizeOf(items));
            case TupleExpr tuple:
                var tupleItems = new TemplateTuple(EvalItems(tuple.Items));
                return Charged(tupleItems, RenderBudget.SizeOf(tupleItems));
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
                return Charged(result, RenderBudget.SizeOf(result));
            case FilterExpr filter:
                var input = Eval(filter.Input);
                var filterArgs = EvalArguments(filter.Arguments);
                var filtered = TemplateFilters.Apply(filter.Name, input, filterArgs, _budget);
                return Charged(filtered, OperationCost.Filter(filter.Name, input, filterArgs, filtered));
            case TestExpr test:
                var tested = Eval(test.Input);
                var testArgs = EvalArguments(test.Arguments);
                bool passed = TemplateTests.Apply(test.Name, tested, testArgs, _budget) != test.Negated;
                return Charged(passed, OperationCost.Test(test.Name, tested, testArgs));
            case MethodCallExpr method:
                var target = Eval(method.Target);
                var methodArgs = EvalArguments(method.Arguments);
                var returned = TemplateMethods.Call(target, method.Name, methodArgs, _budget);
                return Charged(returned, OperationCost.Method(method.Name, target, methodArgs, returned));
            case FunctionCallExpr call:
                return EvalFunction(call);
            default:
                throw new InvalidOperationException($"The evaluator has no case for {expr.GetType().Name}.");
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
            "-" when PythonOps.IsInteger(operand) => PythonOps.ToLong(operand) is long value && value != long.MinValue
                ? -value
                : throw new TemplateOperationException("integer overflow in -(-9223372036854775808): values beyond 64 bits are not supported"),
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
            _budget.Charge(OperationCost.ComparedSize(left) + OperationCost.ComparedSize(right));
            bool holds = link.Operator switch
            {
                "==" => PythonOps.Equals(left, right, _budget),
                "!=" => !PythonOps.Equals(left, right, _budget),
                "<" => PythonOps.Compare(left, right, _budget) < 0,
                ">" => PythonOps.Compare(left, right, _budget) > 0,
                "<=" => PythonOps.Compare(left, right, _budget) <= 0,
                ">=" => PythonOps.Compare(left, right, _budget) >= 0,
                "in" => PythonOps.Contains(right, left, _budget),
                "not in" => !PythonOps.Contains(right, left, _budget),
                _ => throw new InvalidOperationException($"The parser produced an unknown comparison {link.Operator}."),
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
            throw new TemplateRaisedException(_source.Name, line, column, PythonFormat.Str(args.Get(0, "message", ""), _budget));
        }
        var value = TemplateFunctions.Call(call.Name, args, _clock, _budget);
        return Charged(value, RenderBudget.SizeOf(value));
    }
}
