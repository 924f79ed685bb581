using System.Runtime.CompilerServices;

namespace DeepSeek.Sdk.Generation;

/// <summary>The generation loop: prefill the prompt, then sample and feed back one token at a time
/// through the model's cache until a stop token, a stop string, the token limit or the context window
/// ends it. Model steps run on the thread pool so the caller's thread stays free while tokens stream.</summary>
public static class TokenGenerator
{
    public static async IAsyncEnumerable<GenerationUpdate> GenerateAsync(
        ICausalLanguageModel model,
        IReadOnlyList<int> promptIds,
        GenerationOptions options,
        ITokenTextDecoder decoder,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(promptIds);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(decoder);
        if (promptIds.Count == 0) throw new ArgumentException("The prompt must hold at least one token.", nameof(promptIds));
        if (promptIds.Count >= model.MaxContextLength) throw new ContextLengthExceededException(promptIds.Count, model.MaxContextLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxNewTokens, nameof(options.MaxNewTokens));

        int[] prompt = [.. promptIds];
        foreach (int id in prompt)
            if ((uint)id >= (uint)model.VocabularySize)
                throw new ArgumentOutOfRangeException(nameof(promptIds), id, $"Prompt token id outside the vocabulary of {model.VocabularySize}.");

        var sampler = new Sampler(options.Sampling, model.VocabularySize);
        sampler.Reset(prompt);
        var stops = new StopStringMatcher(options.StopStrings);
        var stopTokens = new HashSet<int>(options.StopTokenIds);
        var logits = new float[model.VocabularySize];
        var step = new int[1];
        int capacity = (int)Math.Min(model.MaxContextLength, (long)prompt.Length + options.MaxNewTokens);
        using var cache = model.CreateCache(capacity);

        await Task.Run(() => model.Forward(prompt, cache, logits, cancellationToken), cancellationToken).ConfigureAwait(false);
        for (int generated = 1; ; generated++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int token = sampler.Sample(logits);
            sampler.Accept(token);
            if (stopTokens.Contains(token))
            {
                yield return new GenerationUpdate(token, stops.Append(decoder.Flush()) + stops.Flush(), FinishReason.StopToken);
                yield break;
            }

            string text = stops.Append(decoder.Push(token));
            if (stops.Stopped)
            {
                yield return new GenerationUpdate(token, text, FinishReason.StopString);
                yield break;
            }

            FinishReason finish = generated >= options.MaxNewTokens ? FinishReason.MaxTokens
                : cache.Length + 1 >= model.MaxContextLength ? FinishReason.ContextFull
                : FinishReason.None;
            if (finish != FinishReason.None)
            {
                text += stops.Append(decoder.Flush());
                yield return new GenerationUpdate(token, stops.Stopped ? text : text + stops.Flush(), stops.Stopped ? FinishReason.StopString : finish);
                yield break;
            }

            yield return new GenerationUpdate(token, text, FinishReason.None);
            step[0] = token;
            await Task.Run(() => model.Forward(step, cache, logits, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
    }
}
