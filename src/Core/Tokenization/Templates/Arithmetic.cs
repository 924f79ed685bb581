namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// Python binary operators on template values: int arithmetic stays integral (and fails on 64-bit
/// overflow rather than wrapping), <c>/</c> is true division, <c>//</c> and <c>%</c> floor,
/// <c>+</c> also joins strings and lists, <c>*</c> repeats strings; <c>~</c> joins the str() of both.
/// Every string or list is checked against the render's limits before it is allocated.
/// </summary>
internal static class Arithmetic
{
    public static object? Apply(string op, object? a, object? b, RenderBudget budget)
    {
        if (op == "~")
        {
            return Concat(PythonFormat.Str(a, budget), PythonFormat.Str(b, budget), "'~'", budget);
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
                return Concat(sa, sb, "'+'", budget);
            case "+" when IsList(a) && IsList(b) || a is TemplateTuple && b is TemplateTuple:
                var la = (IReadOnlyList<object?>)a!;
                var lb = (IReadOnlyList<object?>)b!;
                budget.CheckList((long)la.Count + lb.Count, "'+'");
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
                return Repeat(s, PythonOps.ToLong(b), budget);
            case "*" when b is string s && PythonOps.IsInteger(a):
                return Repeat(s, PythonOps.ToLong(a), budget);
            case "%" when a is string format:
                return PercentFormat.Apply(format, b, budget);
        }
        throw new TemplateOperationException(
            $"unsupported operand type(s) for {op}: '{PythonFormat.TypeName(a)}' and '{PythonFormat.TypeName(b)}'");
    }

    // A Python list: not a tuple, and not a range (range + list is a TypeError in Python).
    private static bool IsList(object? value) => value is IReadOnlyList<object?> and not TemplateTuple and not TemplateRange;

    private static string Concat(string a, string b, string what, RenderBudget budget)
    {
        budget.CheckString((long)a.Length + b.Length, what);
        return string.Concat(a, b);
    }

    private static string Repeat(string s, long count, RenderBudget budget)
    {
        if (count <= 0 || s.Length == 0)
        {
            return "";
        }
        // The length is checked in 128 bits: 'x' * 10**12 must be a limit error, not an overflow.
        Int128 length = (Int128)s.Length * count;
        budget.CheckString(length > long.MaxValue ? long.MaxValue : (long)length, "string repetition");
        return string.Create((int)length, s, static (span, piece) =>
        {
            for (int at = 0; at < span.Length; at += piece.Length)
            {
                piece.AsSpan().CopyTo(span[at..]);
            }
        });
    }

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
                    if (b == -1)
                    {
                        return checked(-a);
                    }
                    long q = a / b;
                    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
                case "%":
                    if (b == 0)
                    {
                        throw new TemplateOperationException("integer division or modulo by zero");
                    }
                    if (b == -1)
                    {
                        return 0L;
                    }
                    long r = a % b;
                    return r != 0 && (r < 0) != (b < 0) ? r + b : r;
                case "**":
                    if (b < 0)
                    {
                        return a != 0 ? Math.Pow(a, b) : throw new TemplateOperationException("0.0 cannot be raised to a negative power");
                    }
                    return Power(a, b);
            }
        }
        catch (OverflowException)
        {
            throw new TemplateOperationException($"integer overflow in {a} {op} {b}: values beyond 64 bits are not supported");
        }
        throw new TemplateOperationException($"unknown operator {op}");
    }

    // Exponentiation by squaring: 64 steps at most, whatever the exponent (1 ** 10**18 is 1 at once).
    private static long Power(long value, long exponent)
    {
        long result = 1;
        while (true)
        {
            if ((exponent & 1) != 0)
            {
                result = checked(result * value);
            }
            exponent >>= 1;
            if (exponent == 0)
            {
                return result;
            }
            if (value is 0 or 1)
            {
                return value == 0 ? 0 : result;
            }
            value = value == -1 ? 1 : checked(value * value);
        }
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
