namespace DeepSeek.Sdk.Generation;

/// <summary>A decoder-only language model as the generation loop sees it: tokens in, next-token logits
/// out, with the attention state of each sequence kept in a cache the model creates.</summary>
public interface ICausalLanguageModel : IDisposable
{
    int VocabularySize { get; }

    /// <summary>The most positions a sequence may hold (prompt plus generated tokens).</summary>
    int MaxContextLength { get; }

    /// <summary>A cache for one sequence of up to <paramref name="capacity"/> positions.</summary>
    IKvCache CreateCache(int capacity);

    /// <summary>Runs <paramref name="tokens"/> at positions <c>cache.Length</c> onwards, appends them to the
    /// cache, and writes the logits of the last token to <paramref name="lastLogits"/>.</summary>
    void Forward(ReadOnlySpan<int> tokens, IKvCache cache, Span<float> lastLogits, CancellationToken cancellationToken = default);

    /// <summary>Like <see cref="Forward"/>, but writes the logits of every token, [tokens.Length, vocab]
    /// row-major (scoring a text, or checking a model against reference logits).</summary>
    void ForwardAllLogits(ReadOnlySpan<int> tokens, IKvCache cache, Span<float> logits, CancellationToken cancellationToken = default);

    /// <summary>Like <see cref="Forward"/>, but returns the id of the last token's largest logit (greedy decoding:
    /// ties go to the lower id, NaN never wins, as <see cref="Sampler.ArgMax"/>). Models on a GPU choose it there, so
    /// that only the id crosses to the host; this default reads the logits back and scans them.</summary>
    int ForwardGreedy(ReadOnlySpan<int> tokens, IKvCache cache, CancellationToken cancellationToken = default)
    {
        var logits = new float[VocabularySize];
        Forward(tokens, cache, logits, cancellationToken);
        return Sampler.ArgMax(logits);
    }
}
