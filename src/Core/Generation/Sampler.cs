using System.Numerics.Tensors;
namespace DeepSeek.Sdk.Generation;

/// <summary>Chooses next tokens from logits under <see cref="SamplingOptions"/>. One sampler serves one
/// sequence: it remembers which tokens the prompt and the output hold (for the penalties) and owns its
/// random stream, so a seed reproduces a generation. All workspaces are sized once; sampling a token
/// allocates nothing.</summary>
public sealed class Sampler
{
    private readonly SamplingOptions _options;
    private readonly Random _random;
    private readonly bool[] _seen;           // token occurs in prompt or output (repetition penalty)
    private readonly int[] _generatedCount;  // times the token was generated (frequency/presence)
    private readonly int[] _order;           // candidate token ids
    private readonly float[] _weights;       // unnormalized probabilities of the candidates
    private int[] _seenIds = new int[256];
    private int _seenCount;
    private int[] _generatedIds = new int[256];
    private int _generatedDistinct;

    public Sampler(SamplingOptions options, int vocabularySize)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabularySize);
        _options = options;
        VocabularySize = vocabularySize;
        _random = options.Seed is { } seed ? new Random(seed) : new Random();
        _seen = new bool[vocabularySize];
        _generatedCount = new int[vocabularySize];
        _order = new int[vocabularySize];
        _weights = new float[vocabularySize];
    }

    public int VocabularySize { get; }

    public SamplingOptions Options => _options;

    /// <summary>True when <see cref="Sample"/> returns the argmax of the raw logits (greedy, no penalties), so that the
    /// model may choose the token where its logits are (<see cref="ICausalLanguageModel.ForwardGreedy"/>).</summary>
    public bool PicksArgMax => _options.IsGreedy && _options.RepetitionPenalty == 1f && _options.FrequencyPenalty == 0f && _options.PresencePenalty == 0f;

    /// <summary>Forgets earlier tokens and records the prompt (penalties see prompt tokens as present,
    /// as transformers' repetition penalty does).</summary>
    public void Reset(ReadOnlySpan<int> promptIds)
    {
        for (int i = 0; i < _seenCount; i++) _seen[_seenIds[i]] = false;
        for (int i = 0; i < _generatedDistinct; i++) _generatedCount[_generatedIds[i]] = 0;
        _seenCount = 0;
        _generatedDistinct = 0;
        foreach (int id in promptIds) MarkSeen(id);
    }

    /// <summary>Records a token that was appended to the sequence.</summary>
    public void Accept(int token)
    {
        CheckToken(token);
        MarkSeen(token);
        if (_generatedCount[token]++ == 0)
        {
            if (_generatedDistinct == _generatedIds.Length) Array.Resize(ref _generatedIds, _generatedIds.Length * 2);
            _generatedIds[_generatedDistinct++] = token;
        }
    }

    /// <summary>Picks the next token. <paramref name="logits"/> is modified in place (penalties, temperature).</summary>
    public int Sample(Span<float> logits)
    {
        if (logits.Length != VocabularySize)
            throw new ArgumentException($"Expected {VocabularySize} logits, got {logits.Length}.", nameof(logits));
        ApplyPenalties(logits);
        if (_options.IsGreedy) return ArgMax(logits);

        float invT = 1f / _options.Temperature;
        int n = logits.Length;
        Span<int> order = _order.AsSpan(0, n);
        for (int i = 0; i < n; i++) order[i] = i;

        if (_options.TopK > 0 && _options.TopK < n)
        {
            TokenSelection.SelectTop(order, logits, _options.TopK);
            n = _options.TopK;
        }

        float max = float.NegativeInfinity;
        for (int i = 0; i < n; i++) max = MathF.Max(max, logits[_order[i]]);
        if (float.IsNegativeInfinity(max) || float.IsNaN(max))
            throw new NonFiniteLogitsException();
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            float w = MathF.Exp((logits[_order[i]] - max) * invT);
            _weights[_order[i]] = w;
            total += w;
        }

        if (_options.TopP < 1f) n = KeepNucleus(logits, n, total, out total);

        if (_options.MinP > 0f)
        {
            // The top candidate has weight exp(0) = 1 relative to max; keep w ≥ MinP × 1.
            int kept = 0;
            total = 0;
            for (int i = 0; i < n; i++)
            {
                int id = _order[i];
                if (_weights[id] >= _options.MinP)
                {
                    _order[kept++] = id;
                    total += _weights[id];
                }
            }
            n = kept;
        }

        double r = _random.NextDouble() * total;
        for (int i = 0; i < n; i++)
        {
            r -= _weights[_order[i]];
            if (r < 0) return _order[i];
        }
        return _order[n - 1]; // r ran past the end by rounding
    }

    /// <summary>Index of the largest value; the lowest index wins ties, as torch.argmax does.</summary>
    public static int ArgMax(ReadOnlySpan<float> values) => Backends.Cpu.SelectionKernels.ArgMax(values);

    private void ApplyPenalties(Span<float> logits)
    {
        float rep = _options.RepetitionPenalty;
        if (rep != 1f)
        {
            for (int i = 0; i < _seenCount; i++)
            {
                ref float l = ref logits[_seenIds[i]];
                l = l < 0 ? l * rep : l / rep;
            }
        }
        float freq = _options.FrequencyPenalty, presence = _options.PresencePenalty;
        if (freq != 0f || presence != 0f)
        {
            for (int i = 0; i < _generatedDistinct; i++)
            {
                int id = _generatedIds[i];
                logits[id] -= freq * _generatedCount[id] + presence;
            }
        }
    }

    /// <summary>Top-p: sorts candidates by probability and keeps the shortest prefix reaching TopP of the
    /// mass. Sorting the whole vocabulary per token is the slow part, so the most likely 256, 2048, ...
    /// candidates are selected first and only those are sorted once they hold enough mass.</summary>
    private int KeepNucleus(ReadOnlySpan<float> logits, int n, double total, out double keptTotal)
    {
        double target = _options.TopP * total;
        int m = Math.Min(256, n);
        while (true)
        {
            if (m < n) TokenSelection.SelectTop(_order.AsSpan(0, n), logits, m);
            double mass = 0;
            for (int i = 0; i < m; i++) mass += _weights[_order[i]];
            if (mass >= target || m == n) break;
            m = Math.Min(n, m * 8);
        }
        TokenSelection.SortDescending(_order.AsSpan(0, m), logits);
        keptTotal = 0;
        for (int i = 0; i < m; i++)
        {
            keptTotal += _weights[_order[i]];
            if (keptTotal >= target) return i + 1;
        }
        return m;
    }

    private void MarkSeen(int token)
    {
        CheckToken(token);
        if (_seen[token]) return;
        _seen[token] = true;
        if (_seenCount == _seenIds.Length) Array.Resize(ref _seenIds, _seenIds.Length * 2);
        _seenIds[_seenCount++] = token;
    }

    private void CheckToken(int token)
    {
        if ((uint)token >= (uint)VocabularySize)
            throw new ArgumentOutOfRangeException(nameof(token), token, $"Token id outside the vocabulary of {VocabularySize}.");
    }
}
