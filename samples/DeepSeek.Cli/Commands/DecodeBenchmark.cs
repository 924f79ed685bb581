using System.Diagnostics;
using DeepSeek.Sdk.Generation;

namespace DeepSeek.Cli.Commands;

/// <summary>Times a model the way generation uses it: one prefill of the prompt, then one-token forwards fed back
/// greedily through the cache. Warm-up steps run first (JIT, first touches of weights and cache pages) on the same
/// sequence, and the allocation of the timed steps is measured on all threads.</summary>
internal static class DecodeBenchmark
{
    public sealed record Result(
        int PromptTokens,
        TimeSpan Prefill,
        int DecodeTokens,
        TimeSpan Decode,
        double MedianStepMs,
        double P90StepMs,
        long AllocatedBytesPerStep,
        long CacheBytesReadPerStep)
    {
        public double PrefillTokensPerSecond => PromptTokens / Prefill.TotalSeconds;

        public double DecodeTokensPerSecond => DecodeTokens / Decode.TotalSeconds;

        public double MeanStepMs => Decode.TotalMilliseconds / DecodeTokens;
    }

    public static Result Run(ICausalLanguageModel model, int promptTokens, int warmupTokens, int decodeTokens, int seed, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        var prompt = new int[promptTokens];
        for (int i = 0; i < prompt.Length; i++) prompt[i] = random.Next(model.VocabularySize);
        var logits = new float[model.VocabularySize];
        using var cache = model.CreateCache(promptTokens + warmupTokens + decodeTokens);
        var step = new int[1];

        long start = Stopwatch.GetTimestamp();
        model.Forward(prompt, cache, logits, cancellationToken);
        var prefill = Stopwatch.GetElapsedTime(start);

        for (int i = 0; i < warmupTokens; i++)
        {
            step[0] = Sampler.ArgMax(logits);
            model.Forward(step, cache, logits, cancellationToken);
        }

        int firstTimedPosition = cache.Length;
        var times = new double[decodeTokens];
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        long decodeStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < decodeTokens; i++)
        {
            long t = Stopwatch.GetTimestamp();
            step[0] = Sampler.ArgMax(logits);
            model.Forward(step, cache, logits, cancellationToken);
            times[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        }
        var decode = Stopwatch.GetElapsedTime(decodeStart);
        long allocatedPerStep = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / decodeTokens;

        Array.Sort(times);
        // Attention reads the cache of every earlier position: on average the middle of the timed range.
        long cacheRead = (long)((firstTimedPosition + decodeTokens / 2.0) * cache.BytesPerToken);
        return new Result(promptTokens, prefill, decodeTokens, decode, times[decodeTokens / 2], times[(int)(decodeTokens * 0.9)], allocatedPerStep, cacheRead);
    }
}
