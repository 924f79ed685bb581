using System.Text;
using DeepSeek.Sdk.Tokenization.Templates.Nodes;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// Walks the statement tree of one render. One instance per render, so a parsed
/// <see cref="ChatTemplate"/> can render from many threads at once.
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
    private TemplateScope _scope;

    private TemplateEvaluator(SourceText source, TemplateScope globals, Func<DateTime> clock)
    {
        _source = source;
        _scope = globals;
        _clock = clock;
    }

    public static string Render(SourceText source, IReadOnlyList<Stmt> body, IReadOnlyDictionary<string, object?> variables, Func<DateTime> clock)
    {
        var globals = new TemplateScope(null);
        foreach (var (name, value) in variables)
        {
            globals.Set(name, value);
        }
        var evaluator = new TemplateEvaluator(source, new TemplateScope(globals), clock);
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
        switch (stmt)
        {
            case TextStmt text:
                output.Append(text.Text);
                return Flow.Normal;
            case OutputStmt print:
                output.Append(PythonFormat.Str(Eval(print.Value)));
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
                throw RuntimeError(stmt.Offset, $"unsupported statement {stmt.GetType().Name}");
        }
    }

    private void ExecuteFor(ForStmt loop, StringBuilder output)
    {
        IReadOnlyList<object?> source = Guard(loop.Iterable.Offset, () => PythonOps.Iterate(Eval(loop.Iterable)));
        var outer = _scope;
        IReadOnlyList<object?> items = source;
        if (loop.Filter is not null)
        {
            // jinja2 filters before counting, so loop.index and loop.length see only the kept items.
            var kept = new List<object?>();
            foreach (var item in source)
            {
                _scope = new TemplateScope(outer);
                Bind(loop.Targets, item, loop.Offset);
                if (PythonOps.IsTrue(Eval(loop.Filter)))
                {
                    kept.Add(item);
                }
            }
            _scope = outer;
            items = kept;
        }
        var context = new LoopContext(items);
        try
        {
            for (int i = 0; i < items.Count; i++)
            {
                _scope = new TemplateScope(outer);
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
            throw RuntimeError(offset, $"cannot unpack {PythonFormat.Repr(item)} into {targets.Count} variables");
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

    private T Guard<T>(int offset, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (TemplateOperationException e)
        {
            throw RuntimeError(offset, e.Message);
        }
    }

    private TemplateRuntimeException RuntimeError(int offset, string reason)
    {
        var (line, column) = _source.Locate(offset);
        return new TemplateRuntimeException(_source.Name, line, column, reason);
    }
}
