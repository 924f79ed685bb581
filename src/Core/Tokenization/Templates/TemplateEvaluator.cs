using System.Text;
using DeepSeek.Sdk.Tokenization.Templates.Nodes;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// Walks the statement tree of one render. One instance per render, so a parsed
/// <see cref="ChatTemplate"/> can render from many threads at once. Its recursion follows the tree,
/// whose depth the parser bounded; loops, strings and lists are bounded by the render's <see cref="RenderBudget"/>.
/// </summary>
internal sealed partial class TemplateEvaluator
{
    private enum Flow
    {
        Normal,
        Break,
        Continue,
    }

    private readonly SourceText _source;
    private readonly Func<DateTime> _clock;
    private readonly RenderBudget _budget;
    private TemplateScope _scope;

    private TemplateEvaluator(SourceText source, TemplateScope globals, Func<DateTime> clock, RenderBudget budget)
    {
        _source = source;
        _scope = globals;
        _clock = clock;
        _budget = budget;
    }

    public static string Render(SourceText source, IReadOnlyList<Stmt> body, IReadOnlyDictionary<string, object?> variables, Func<DateTime> clock, RenderBudget budget)
    {
        var globals = new TemplateScope(null);
        foreach (var (name, value) in variables)
        {
            globals.Set(name, value);
        }
        var evaluator = new TemplateEvaluator(source, new TemplateScope(globals), clock, budget);
        var output = new StringBuilder();
        evaluator.Execute(body, output);
        return output.ToString();
    }

    private Flow Execute(IReadOnlyList<Stmt> body, StringBuilder output)
    {
        foreach (var stmt in body)
        {
            var flow = Execute(stmt, output);
            if (flow != Flow.Normal)
            {
                return flow;
            }
        }
        return Flow.Normal;
    }

    private Flow Execute(Stmt stmt, StringBuilder output)
    {
        try
        {
            _budget.EnsureStack();
            return ExecuteCore(stmt, output);
        }
        catch (TemplateOperationException e)
        {
            throw LocatedError(stmt.Offset, e);
        }
    }

    private Flow ExecuteCore(Stmt stmt, StringBuilder output)
    {
        switch (stmt)
        {
            case TextStmt text:
                Write(output, text.Text);
                return Flow.Normal;
            case OutputStmt print:
                Write(output, PythonFormat.Str(Eval(print.Value), _budget));
                return Flow.Normal;
            case IfStmt branch:
                foreach (var candidate in branch.Branches)
                {
                    if (PythonOps.IsTrue(Eval(candidate.Condition)))
                    {
                        return Execute(candidate.Body, output);
                    }
                }
                return branch.Otherwise is null ? Flow.Normal : Execute(branch.Otherwise, output);
            case ForStmt loop:
                ExecuteFor(loop, output);
                return Flow.Normal;
            case SetStmt set:
                Assign(set.Target, Eval(set.Value), set.Offset);
                return Flow.Normal;
            case SetBlockStmt block:
                var captured = new StringBuilder();
                Execute(block.Body, captured);
                Assign(block.Target, captured.ToString(), block.Offset);
                return Flow.Normal;
            case LoopControlStmt control:
                return control.IsBreak ? Flow.Break : Flow.Continue;
            default:
                throw new InvalidOperationException($"The evaluator has no case for {stmt.GetType().Name}.");
        }
    }

    /// <summary>Appends to the output (or to a block set's capture), within <see cref="TemplateLimits.MaxOutputLength"/>.</summary>
    private void Write(StringBuilder output, string text)
    {
        long length = (long)output.Length + text.Length;
        if (length > _budget.Limits.MaxOutputLength)
        {
            throw new TemplateLimitBreachException(
                $"the rendered text would be longer than {_budget.Limits.MaxOutputLength} characters", nameof(TemplateLimits.MaxOutputLength), _budget.Limits.MaxOutputLength);
        }
        _budget.Charge(2L * text.Length);
        output.Append(text);
    }

    private void ExecuteFor(ForStmt loop, StringBuilder output)
    {
        var iterable = Eval(loop.Iterable);
        IReadOnlyList<object?> source;
        try
        {
            source = PythonOps.Iterate(iterable, _budget);
        }
        catch (TemplateOperationException e)
        {
            throw LocatedError(loop.Iterable.Offset, e);
        }
        if (!ReferenceEquals(source, iterable))
        {
            _budget.Charge(RenderBudget.SizeOf(source));
        }
        var outer = _scope;
        // Each iteration sees a fresh frame; one frame, cleared, serves them all, since nothing keeps a frame.
        var frame = new TemplateScope(outer);
        IReadOnlyList<object?> items = source;
        if (loop.Filter is not null)
        {
            // jinja2 filters before counting, so loop.index and loop.length see only the kept items.
            var kept = new List<object?>();
            try
            {
                foreach (var item in source)
                {
                    _budget.CountIteration();
                    frame.Clear();
                    _scope = frame;
                    Bind(loop.Targets, item, loop.Offset);
                    if (PythonOps.IsTrue(Eval(loop.Filter)))
                    {
                        kept.Add(item);
                    }
                }
            }
            finally
            {
                _scope = outer;
            }
            items = kept;
        }
        var context = new LoopContext(items);
        try
        {
            for (int i = 0; i < items.Count; i++)
            {
                _budget.CountIteration();
                frame.Clear();
                _scope = frame;
                context.Index0 = i;
                _scope.Set("loop", context);
                Bind(loop.Targets, items[i], loop.Offset);
                if (Execute(loop.Body, output) == Flow.Break)
                {
                    break;
                }
            }
        }
        finally
        {
            _scope = outer;
        }
        if (items.Count == 0 && loop.Otherwise is not null)
        {
            Execute(loop.Otherwise, output);
        }
    }

    private void Bind(IReadOnlyList<string> targets, object? item, int offset)
    {
        if (targets.Count == 1)
        {
            _scope.Set(targets[0], item);
            return;
        }
        if (item is not IReadOnlyList<object?> values || values.Count != targets.Count)
        {
            throw RuntimeError(offset, $"cannot unpack {PythonFormat.Describe(item)} into {targets.Count} variables");
        }
        for (int i = 0; i < targets.Count; i++)
        {
            _scope.Set(targets[i], values[i]);
        }
    }

    private void Assign(AssignTarget target, object? value, int offset)
    {
        if (target.Attribute is null)
        {
            Bind(target.Names, value, offset);
            return;
        }
        if (!_scope.TryGet(target.Names[0], out var holder) || holder is not TemplateNamespace ns)
        {
            throw RuntimeError(offset, $"cannot assign attribute on non-namespace object '{target.Names[0]}'");
        }
        ns.Attributes[target.Attribute] = value;
    }

    private TemplateRuntimeException RuntimeError(int offset, string reason)
    {
        var (line, column) = _source.Locate(offset);
        return new TemplateRuntimeException(_source.Name, line, column, reason);
    }

    /// <summary>An operation's error at the construct that ran it: a limit breach stays a limit breach.</summary>
    private TemplateException LocatedError(int offset, TemplateOperationException error)
    {
        var (line, column) = _source.Locate(offset);
        return error is TemplateLimitBreachException breach
            ? new TemplateLimitExceededException(_source.Name, line, column, breach.Message, breach.LimitName, breach.LimitValue)
            : new TemplateRuntimeException(_source.Name, line, column, error.Message);
    }
}
