using System.Runtime.CompilerServices;

namespace DeepSeek.Sdk.Generation;

/// <summary>The generation loop: prefill the prompt, then sample and feed back one token at a time
/// through the model's cache until a stop token, a stop string, the token limit, the context window or an
/// <see cref="IGenerationController"/> ends it. Model steps run on the thread pool so the caller's thread
/// stays free while tokens stream.</summary>
public static class TokenGenerator
{
    public static IAsyncEnumerable<GenerationUpdate> GenerateAsync(
        ICausalLanguageModel model,
        IReadOnlyList<int> promptIds,
        GenerationOptions options,
        ITokenTextDecoder decoder,
        CancellationToken cancellationToken = default) =>
        GenerateAsync(model, promptIds, options, decoder, controller: null, cancellationToken);

    /// <summary>Generates with a <paramref name="controller"/> that may force tokens into the sequence or end
    /// it before each new token is chosen. Forced tokens are queued and go through the model together with the
    /// last sampled token in one step, so closing a thinking trace costs one forward pass, not one per token.</summary>
    public static async IAsyncEnumerable<GenerationUpdate> GenerateAsync(
        ICausalLanguageModel model,
        IReadOnlyList<int> promptIds,
        GenerationOptions options,
        ITokenTextDecoder decoder,
        IGenerationController? controller,
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
        int capacity = (int)Math.Min(model.MaxContextLength, (long)prompt.Length + options.MaxNewTokens);
        using var cache = model.CreateCache(capacity);

        // Tokens appended to the sequence but not yet run through the model: the last sampled token, and any
        // forced tokens after it. They are fed in one step right before the next token is sampled.
        var unfed = new int[16];
        int unfedCount = 0;
        ReadOnlyMemory<int> forced = default;
        int forcedNext = 0;

        // Greedy decoding without penalties needs only the argmax, which the model picks where its logits are: on a GPU
        // only the id comes back, not the vocabulary's logits.
        bool greedy = sampler.PicksArgMax;
        int greedyNext = -1;
        void Feed(int[] ids, int count)
        {
            if (greedy) greedyNext = model.ForwardGreedy(ids.AsSpan(0, count), cache, cancellationToken);
            else model.Forward(ids.AsSpan(0, count), cache, logits, cancellationToken);
        }

        await Task.Run(() => Feed(prompt, prompt.Length), cancellationToken).ConfigureAwait(false);
        for (int generated = 1; ; generated++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (forcedNext == forced.Length && controller is not null)
            {
                var directive = controller.NextStep();
                if (directive.Kind == GenerationDirectiveKind.Stop)
                {
                    string rest = stops.Append(decoder.Flush());
                    yield return new GenerationUpdate(GenerationUpdate.NoToken, stops.Stopped ? rest : rest + stops.Flush(), stops.Stopped ? FinishReason.StopString : FinishReason.Stopped);
                    yield break;
                }
                if (directive.Kind == GenerationDirectiveKind.Force)
                {
                    forced = directive.Tokens;
                    forcedNext = 0;
                    foreach (int id in forced.Span)
                        if ((uint)id >= (uint)model.VocabularySize)
                            throw new ArgumentOutOfRangeException(nameof(controller), id, $"Forced token id outside the vocabulary of {model.VocabularySize}.");
                }
            }

            int token;
            bool isForced = forcedNext < forced.Length;
            if (isForced)
            {
                token = forced.Span[forcedNext++];
            }
            else
            {
                if (unfedCount > 0)
                {
                    int count = unfedCount;
                    await Task.Run(() => Feed(unfed, count), cancellationToken).ConfigureAwait(false);
                    unfedCount = 0;
                }
                token = greedy ? greedyNext : sampler.Sample(logits);
            }
            sampler.Accept(token);

            if (stopTokens.Contains(token))
            {
                yield return new GenerationUpdate(token, stops.Append(decoder.Flush()) + stops.Flush(), FinishReason.StopToken) { IsForced = isForced };
                yield break;
            }

            string text = stops.Append(decoder.Push(token));
            if (stops.Stopped)
            {
                yield return new GenerationUpdate(token, text, FinishReason.StopString) { IsForced = isForced };
                yield break;
            }

            // The sequence holds prompt + generated positions once this token is in; the last one is never fed.
            FinishReason finish = generated >= options.MaxNewTokens ? FinishReason.MaxTokens
                : prompt.Length + generated >= model.MaxContextLength ? FinishReason.ContextFull
                : FinishReason.None;
            if (finish != FinishReason.None)
            {
                text += stops.Append(decoder.Flush());
                yield return new GenerationUpdate(token, stops.Stopped ? text : text + stops.Flush(), stops.Stopped ? FinishReason.StopString : finish) { IsForced = isForced };
                yield break;
            }

            yield return new GenerationUpdate(token, text, FinishReason.None) { IsForced = isForced };
            if (unfedCount == unfed.Length) Array.Resize(ref unfed, unfed.Length * 2);
            unfed[unfedCount++] = token;
        }
    }
}
