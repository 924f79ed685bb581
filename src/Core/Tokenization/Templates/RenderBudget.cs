using System.Runtime.CompilerServices;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// What one render may still spend: its <see cref="TemplateLimits"/>, the loop iterations and bytes of work
/// used so far, and the caller's cancellation. Operations check a string's or list's size here before they
/// allocate it, so a template fails before it takes the memory, not after.
/// </summary>
internal sealed class RenderBudget(TemplateLimits limits, CancellationToken cancellationToken)
{
    // Cancellation is polled once per this many charges, on top of every loop iteration.
    private const int CancellationInterval = 256;

    private long _iterations;
    private long _processedBytes;
    private int _charges;

    public TemplateLimits Limits => limits;

    public CancellationToken CancellationToken => cancellationToken;

    /// <summary>Counts one loop iteration, and observes cancellation.</summary>
    public void CountIteration()
    {
        if (++_iterations > limits.MaxLoopIterations)
        {
            throw new TemplateLimitBreachException(
                $"the template ran more than {limits.MaxLoopIterations} loop iterations", nameof(TemplateLimits.MaxLoopIterations), limits.MaxLoopIterations);
        }
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Charges the work of an operation that read or built <paramref name="bytes"/>.</summary>
    public void Charge(long bytes)
    {
        _processedBytes += bytes;
        if (_processedBytes > limits.MaxProcessedBytes)
        {
            throw new TemplateLimitBreachException(
                $"the render read and built more than {limits.MaxProcessedBytes} bytes of strings and lists", nameof(TemplateLimits.MaxProcessedBytes), limits.MaxProcessedBytes);
        }
        if (++_charges % CancellationInterval == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Checks the length of a string about to be built by <paramref name="what"/>.</summary>
    public void CheckString(long length, string what)
    {
        if (length > limits.MaxOutputLength)
        {
            throw new TemplateLimitBreachException(
                $"{what} would build a string of {length} characters, more than {limits.MaxOutputLength}", nameof(TemplateLimits.MaxOutputLength), limits.MaxOutputLength);
        }
    }

    /// <summary>Checks the length of a list about to be built by <paramref name="what"/>.</summary>
    public void CheckList(long count, string what)
    {
        if (count > limits.MaxListLength)
        {
            throw new TemplateLimitBreachException(
                $"{what} would build a list of {count} items, more than {limits.MaxListLength}", nameof(TemplateLimits.MaxListLength), limits.MaxListLength);
        }
    }

    /// <summary>Checks the nesting of a value being walked (printed, serialized, compared); cycles through a namespace end here too.</summary>
    public void CheckValueDepth(int depth)
    {
        if (depth > limits.MaxNestingDepth)
        {
            throw new TemplateLimitBreachException(
                $"a value nests deeper than {limits.MaxNestingDepth} levels (or contains itself)", nameof(TemplateLimits.MaxNestingDepth), limits.MaxNestingDepth);
        }
        EnsureStack();
    }

    /// <summary>
    /// The backstop behind <see cref="TemplateLimits.MaxNestingDepth"/>: a render on a thread with little stack
    /// left fails typed before the runtime would end the process with a stack overflow.
    /// </summary>
    public void EnsureStack()
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new TemplateLimitBreachException(
                "the calling thread has too little stack left to render this deeply; render on a thread with a larger stack or lower",
                nameof(TemplateLimits.MaxNestingDepth), limits.MaxNestingDepth);
        }
    }

    /// <summary>The bytes <see cref="Charge"/> counts for a value: 2 per character, 8 per list or dict item, 8 for anything else.</summary>
    public static long SizeOf(object? value) => value switch
    {
        string s => 2L * s.Length,
        TemplateRange => 8,
        IReadOnlyList<object?> list => 8L * list.Count,
        IReadOnlyDictionary<string, object?> dict => 8L * dict.Count,
        TemplateNamespace ns => 8L * ns.Attributes.Count,
        _ => 8,
    };
}
