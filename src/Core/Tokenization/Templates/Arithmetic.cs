namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// Python binary operators on template values: int arithmetic stays integral (and fails on 64-bit
/// overflow rather than wrapping), <c>/</c> is true division, <c>//</c> and <c>%</c> floor,
/// <c>+</c> also joins strings and lists, <c>*</c> repeats them; <c>~</c> joins the str() of both.
/// </summary>
internal static class Arithmetic
{
    public static object? Apply(string op, object? a, object? b)
    {
        if (op == "~")
        {
            return PythonFormat.Str(a) + PythonFormat.Str(b);
        }
        if ((a ?? b) is Undefined undefined)
        {
            throw new TemplateOperationException(undefined.Hint);
        }
        if (b is Undefined undefinedRight)
        {
            throw new TemplateOperationException(undefinedRight.Hint);
        }
        if (PythonOps.IsNumber(a) && PythonOps.IsNumber(b))
        {
            return PythonOps.IsInteger(a) && PythonOps.IsInteger(b)
                ? Integer(op, PythonOps.ToLong(a), PythonOps.ToLong(b))
                : Float(op, PythonOps.ToDouble(a), PythonOps.ToDouble(b));
        }
        switch (op)
        {
            case "+" when a is string sa && b is string sb:
                return sa + sb;
            case "+" when a is IReadOnlyList<object?> la && b is IReadOnlyList<object?> lb && (a is TemplateTuple) == (b is TemplateTuple):
                var joined = new object?[la.Count + lb.Count];
                for (int i = 0; i < la.Count; i++)
                {
                    joined[i] = la[i];
                }
                for (int i = 0; i < lb.Count; i++)
                {
                    joined[la.Count + i] = lb[i];
                }
                return a is TemplateTuple ? new TemplateTuple(joined) : joined;
            case "*" when a is string s && PythonOps.IsInteger(b):
                return Repeat(s, PythonOps.ToLong(b));
            case "*" when b is string s && PythonOps.IsInteger(a):
                return Repeat(s, PythonOps.ToLong(a));
            case "%" when a is string format:
                return PercentFormat.Apply(format, b);
        }
        throw new TemplateOperationException(
            $"unsupported operand type(s) for {op}: '{PythonFormat.TypeName(a)}' and '{PythonFormat.TypeName(b)}'");
    }

    private static string Repeat(string s, long count) =>
        count <= 0 ? "" : string.Concat(Enumerable.Repeat(s, checked((int)count)));

    private static object Integer(string op, long a, long b)
    {
        try
        {
            switch (op)
            {
                case "+": return checked(a + b);
                case "-": return checked(a - b);
                case "*": return checked(a * b);
                case "/": return Float("/", a, b);
                case "//":
                    if (b == 0)
                    {
                        throw new TemplateOperationException("integer division or modulo by zero");
                    }
                    long q = a / b;
                    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
                case "%":
                    if (b == 0)
                    {
                        throw new TemplateOperationException("integer division or modulo by zero");
                    }
                    long r = a % b;
                    return r != 0 && (r < 0) != (b < 0) ? r + b : r;
                case "**":
                    if (b < 0)
                    {
                        return Math.Pow(a, b);
                    }
                    long result = 1;
                    for (long i = 0; i < b; i++)
                    {
                        result = checked(result * a);
                    }
                    return result;
            }
        }
        catch (OverflowException)
        {
            throw new TemplateOperationException($"integer overflow in {a} {op} {b}: values beyond 64 bits are not supported");
        }
        throw new TemplateOperationException($"unknown operator {op}");
    }

    private static object Float(string op, double a, double b)
    {
        if (b == 0 && op is "/" or "//" or "%")
        {
            throw new TemplateOperationException("float division by zero");
        }
        return op switch
        {
            "+" => a + b,
            "-" => a - b,
            "*" => a * b,
            "/" => a / b,
            "//" => Math.Floor(a / b),
            "%" => a - (b * Math.Floor(a / b)),
            "**" => Math.Pow(a, b),
            _ => throw new TemplateOperationException($"unknown operator {op}"),
        };
    }
}
