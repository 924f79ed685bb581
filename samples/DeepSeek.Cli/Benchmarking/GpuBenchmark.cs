using System.Diagnostics;
using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Backends.Cuda;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Text;
using DeepSeek.Sdk.Text.Llama;

namespace DeepSeek.Cli.Benchmarking;

/// <summary><c>deepseek bench --device cuda</c>: random checkpoints of real shapes (R1-Distill-Qwen-1.5B,
/// DeepSeek-V2-Lite, Janus-Pro-1B, or any config.json) written under a work folder, loaded on the GPU through the
/// normal loaders, and measured: time to first token, batch-1 decode against the HBM roofline (with and without CUDA
/// graphs), batched decode for the Llama-family models, seconds per Janus image; optionally the micro benchmarks of
/// the decode GEMV and of kernel launches first.</summary>
internal static class GpuBenchmark
{
    /// <summary>Device-to-device copy bandwidth measured on the project's H100 (shared/DEVICE.md): the HBM roofline.</summary>
    public const double HbmBytesPerSecond = 3.0e12;

    /// <param name="work">Where the random checkpoints go: a folder the bench made or may make (<see cref="BenchWorkFolder"/>).</param>
    public static void Run(CudaBackend backend, IReadOnlyList<string> models, string work, int steps, int ttftLength, bool micro, int janusParallel, Action<string> say)
    {
        BenchWorkFolder.Claim(work);
        if (micro)
            foreach (string line in MicroBenchmarks.Run(backend)) say(line);
        var rows = new List<string>();
        foreach (string name in models)
        {
            if (name == "janus-pro-1b")
            {
                foreach (string line in JanusBenchmark.Run(backend, work, janusParallel)) say(line);
                continue;
            }
            string configJson = name switch
            {
                "qwen1.5b" => ModelShapes.R1DistillQwen15B,
                "v2-lite" => ModelShapes.DeepSeekV2Lite,
                _ when File.Exists(name) => File.ReadAllText(name),
                _ => throw new ArgumentException($"Unknown model '{name}' (qwen1.5b, v2-lite, janus-pro-1b, or a config.json path)."),
            };
            var (directory, weightBytes, written) = RandomCheckpoint.Write(Path.Combine(work, Path.GetFileName(Path.GetDirectoryName(name + "/x"))!), configJson);
            say($"{name}: wrote {weightBytes / 1e9:F2} GB of random BF16 weights in {written.TotalSeconds:F1} s");
            var load = Stopwatch.StartNew();
            using var model = TextModels.Load(directory, backend);
            backend.Synchronize();
            say($"{name}: loaded in {load.Elapsed.TotalSeconds:F1} s; device memory {backend.MemoryInUse.Live / 1e9:F2} GB");
            var config = ModelConfig.Load(Path.Combine(directory, ModelConfig.FileName));
            double bytesPerToken = DecodeBytes(config);
            double rooflineMs = bytesPerToken / HbmBytesPerSecond * 1e3;

            // A prompt is new work each time: no graph replay for it (a repeated identical prompt would replay).
            bool graphs = backend.CudaGraphs;
            backend.CudaGraphs = false;
            double ttft = TimeToFirstToken(model, Math.Min(ttftLength, model.MaxContextLength - 1));
            backend.CudaGraphs = graphs;
            // Three runs of the same decode, each on a fresh cache: the median is reported, and all three are shown
            // (separate runs on this machine have differed by up to 10%).
            var before = backend.Statistics;
            var runs = new double[3];
            for (int run = 0; run < runs.Length; run++) runs[run] = DecodeOne(model, Math.Min(128, model.MaxContextLength / 2), steps).MsPerToken;
            var after = backend.Statistics;
            double msPerToken = runs.Order().ElementAt(1);
            double fraction = rooflineMs / msPerToken;
            say($"{name}: TTFT({ttftLength}) {ttft:F1} ms; batch 1: {msPerToken:F3} ms/token (runs {string.Join(", ", runs.Select(r => r.ToString("F3")))}), "
                + $"{1e3 / msPerToken:F1} tok/s, roofline {rooflineMs:F3} ms ({bytesPerToken / 1e9:F2} GB/token) -> {fraction:P1}");
            int measured = runs.Length * (steps + 8 + 1);
            say($"{name}: per decode step {(double)(after.Launches - before.Launches) / measured:F0} launches, "
                + $"{after.GraphReplays - before.GraphReplays} graph replays, {after.GraphCaptures - before.GraphCaptures} captures, "
                + $"{after.GraphFallbacks - before.GraphFallbacks} fallbacks over {measured} steps");
            // The other launch mode, for comparison (graphs are off by default where programmatic launch is on).
            backend.CudaGraphs = !graphs;
            var (otherMs, _) = DecodeOne(model, Math.Min(128, model.MaxContextLength / 2), steps);
            backend.CudaGraphs = graphs;
            say($"{name}: batch 1 {(graphs ? "without" : "with")} CUDA graphs: {otherMs:F3} ms/token ({rooflineMs / otherMs:P1} of roofline)");
            backend.FoldInputNorms = !backend.FoldInputNorms;
            var (unfoldedMs, _) = DecodeOne(model, Math.Min(128, model.MaxContextLength / 2), steps);
            backend.FoldInputNorms = !backend.FoldInputNorms;
            say($"{name}: batch 1 with the input norms {(backend.FoldInputNorms ? "as kernels of their own" : "folded into the products")}: {unfoldedMs:F3} ms/token ({rooflineMs / unfoldedMs:P1} of roofline)");
            var (hostMs, _) = DecodeOne(model, Math.Min(128, model.MaxContextLength / 2), steps, logitsToHost: true);
            say($"{name}: batch 1 with every step's logits copied to the host and scanned there: {hostMs:F3} ms/token ({rooflineMs / hostMs:P1} of roofline)");
            string batch16 = "n/a", batch64 = "n/a";
            if (model is LlamaModel llama)
            {
                int prompt = Math.Min(128, model.MaxContextLength / 2);
                batch16 = $"{DecodeBatch(llama, 16, prompt, steps):F0}";
                batch64 = $"{DecodeBatch(llama, 64, prompt, steps):F0}";
                say($"{name}: batch 16 {batch16} tok/s, batch 64 {batch64} tok/s");
            }
            rows.Add($"| {name} | {1e3 / msPerToken:F1} | {batch16} | {batch64} | {msPerToken:F3} | {rooflineMs:F3} | {fraction:P1} | {ttft:F1} |");
        }
        say("");
        say($"| Model (random weights, BF16) | tok/s batch 1 | tok/s batch 16 | tok/s batch 64 | ms/token (b1) | roofline ms/token | of roofline | TTFT {ttftLength} (ms) |");
        say("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (string row in rows) say(row);
    }

    // Weight bytes one decode step must read: every matrix except the embedding table (one row of it is read), and
    // of the routed experts only the num_experts_per_tok that a token uses.
    private static double DecodeBytes(ModelConfig config)
    {
        double bytes = 0;
        int routed = 1, used = 1;
        if (config is DeepSeekV3Config ds && ds.NRoutedExperts is int n)
        {
            routed = n;
            used = ds.NumExpertsPerTok;
        }
        foreach (var t in config.ExpectedTensors())
        {
            if (t.IsOptional || t.Name.EndsWith("embed_tokens.weight", StringComparison.Ordinal)) continue;
            double b = t.Shape.ElementCount * 2.0;
            bytes += t.Name.Contains(".mlp.experts.", StringComparison.Ordinal) ? b * used / routed : b;
        }
        return bytes;
    }

    private static int[] Prompt(int length, int vocab, int seed)
    {
        var rng = new Random(seed);
        var ids = new int[length];
        for (int i = 0; i < length; i++) ids[i] = rng.Next(vocab);
        return ids;
    }

    // Time from the prompt's ids to the first token's logits on the host; the median of three after a warm-up.
    private static double TimeToFirstToken(ICausalLanguageModel model, int length)
    {
        var prompt = Prompt(length, model.VocabularySize, 1);
        var logits = new float[model.VocabularySize];
        using var cache = model.CreateCache(length + 1);
        var times = new List<double>();
        for (int run = 0; run < 4; run++)
        {
            cache.Truncate(0);
            var watch = Stopwatch.StartNew();
            model.Forward(prompt, cache, logits);
            Sampler.ArgMax(logits);
            if (run > 0) times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[1];
    }

    // Greedy decoding of one sequence after a prompt, as generation does it: the argmax chosen on the GPU and only the
    // id read back (ForwardGreedy), or, with logitsToHost, every step's logits copied to the host and scanned there
    // (what sampling with a temperature or penalties costs).
    private static (double MsPerToken, int Last) DecodeOne(ICausalLanguageModel model, int promptLength, int steps, bool logitsToHost = false)
    {
        var logits = new float[model.VocabularySize];
        int Step(ReadOnlySpan<int> tokens, IKvCache cache)
        {
            if (!logitsToHost) return model.ForwardGreedy(tokens, cache);
            model.Forward(tokens, cache, logits);
            return Sampler.ArgMax(logits);
        }
        using var cache = model.CreateCache(promptLength + steps + 16);
        int token = Step(Prompt(promptLength, model.VocabularySize, 2), cache);
        for (int i = 0; i < 8; i++) token = Step([token], cache);
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) token = Step([token], cache);
        return (watch.Elapsed.TotalMilliseconds / steps, token);
    }

    // Tokens per second of `sequences` sequences decoded together (one DecodeBatch per step), after their prompts.
    private static double DecodeBatch(LlamaModel model, int sequences, int promptLength, int steps)
    {
        int vocab = model.VocabularySize;
        using var batch = model.CreateCaches(sequences, promptLength + steps + 16);
        var last = new float[vocab];
        var tokens = new int[sequences];
        for (int s = 0; s < sequences; s++)
        {
            model.Forward(Prompt(promptLength, vocab, 100 + s), batch[s], last);
            tokens[s] = Sampler.ArgMax(last);
        }
        var caches = batch.Sequences.ToArray();
        var logits = new float[sequences * vocab];
        void Step()
        {
            model.DecodeBatch(tokens, caches, logits);
            Parallel.For(0, sequences, s => tokens[s] = Sampler.ArgMax(logits.AsSpan(s * vocab, vocab)));
        }
        for (int i = 0; i < 4; i++) Step();
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) Step();
        return sequences * steps / watch.Elapsed.TotalSeconds;
    }
}
