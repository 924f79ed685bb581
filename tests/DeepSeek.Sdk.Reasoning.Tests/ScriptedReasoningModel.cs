using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Tokenization;

namespace DeepSeek.Sdk.Reasoning.Tests;

/// <summary>
/// A stand-in reasoning model whose logits spell a chosen output: the reasoning (repeated for ever when it
/// never closes the trace), then "\n&lt;/think&gt;\n\n", then the answer and end-of-sequence. It reacts to its
/// sequence as a model would: once the closing tokens are in it, written by itself or forced by the
/// pipeline, it answers. Every other logit is 30 below the chosen one, so R1's sampling (temperature 0.6,
/// top-p 0.95) keeps only the chosen token: its probability is 1 - 319·e^-50, far above 0.95.
/// </summary>
internal sealed class ScriptedReasoningModel : ICausalLanguageModel
{
    private readonly int[] _reasoning;
    private readonly int[] _close;
    private readonly int[] _answer;
    private readonly int _eos;
    private readonly bool _closesTrace;

    public ScriptedReasoningModel(Tokenizer tokenizer, string reasoning, string answer, bool closesTrace, int maxContextLength = 4096)
    {
        _reasoning = tokenizer.Encode(reasoning);
        _close = tokenizer.Encode("\n" + ReasoningTraceParser.CloseTag + "\n\n");
        _answer = tokenizer.Encode(answer);
        _eos = tokenizer.EosId ?? throw new ArgumentException("The tokenizer needs an EOS token.", nameof(tokenizer));
        _closesTrace = closesTrace;
        VocabularySize = tokenizer.VocabularySize;
        MaxContextLength = maxContextLength;
    }

    public int VocabularySize { get; }

    public int MaxContextLength { get; }

    /// <summary>The tokens of every Forward call, in order (the prompt first).</summary>
    public List<int[]> Fed { get; } = [];

    /// <summary>The most Forward calls that ever ran at once (a real model allows one).</summary>
    public int MaxConcurrentForwards => _maxConcurrent;

    /// <summary>How long each Forward call takes, so that overlapping calls would be seen.</summary>
    public TimeSpan StepTime { get; init; }

    private int _running;
    private int _maxConcurrent;

    public IKvCache CreateCache(int capacity) => new SequenceCache(capacity);

    public void Forward(ReadOnlySpan<int> tokens, IKvCache cache, Span<float> lastLogits, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        int running = Interlocked.Increment(ref _running);
        int max;
        while (running > (max = Volatile.Read(ref _maxConcurrent)) && Interlocked.CompareExchange(ref _maxConcurrent, running, max) != max)
        {
        }
        if (StepTime > TimeSpan.Zero) Thread.Sleep(StepTime);
        Interlocked.Decrement(ref _running);
        var sequence = (SequenceCache)cache;
        if (sequence.Length + tokens.Length > sequence.Capacity) throw new InvalidOperationException("cache overflow");
        Fed.Add(tokens.ToArray());
        if (sequence.Length == 0) sequence.PromptLength = tokens.Length;
        sequence.Tokens.AddRange(tokens);
        lastLogits.Clear();
        lastLogits[Next(sequence.Tokens.GetRange(sequence.PromptLength, sequence.Length - sequence.PromptLength))] = 30f;
    }

    public void ForwardAllLogits(ReadOnlySpan<int> tokens, IKvCache cache, Span<float> logits, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The generation loop only needs the last logits.");

    public void Dispose()
    {
    }

    private int Next(List<int> generated)
    {
        for (int at = 0; at + _close.Length <= generated.Count; at++)
        {
            if (generated.GetRange(at, _close.Length).SequenceEqual(_close))
            {
                int written = generated.Count - (at + _close.Length);
                return written < _answer.Length ? _answer[written] : _eos;
            }
        }
        if (!_closesTrace) return _reasoning[generated.Count % _reasoning.Length];
        int n = generated.Count;
        return n < _reasoning.Length ? _reasoning[n] : _close[n - _reasoning.Length];
    }

    private sealed class SequenceCache(int capacity) : IKvCache
    {
        public List<int> Tokens { get; } = [];

        public int PromptLength { get; set; }

        public int Length => Tokens.Count;

        public int Capacity { get; } = capacity;

        public long BytesPerToken => sizeof(int);

        public void Truncate(int length) => Tokens.RemoveRange(length, Tokens.Count - length);

        public void Dispose()
        {
        }
    }
}
