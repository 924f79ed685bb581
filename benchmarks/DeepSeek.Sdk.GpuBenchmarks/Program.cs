using System.Diagnostics;
using System.Globalization;
using System.Text;
using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Backends.Cuda;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.GpuBenchmarks;
using DeepSeek.Sdk.Text;
using DeepSeek.Sdk.Text.Llama;

// Usage: DeepSeek.Sdk.GpuBenchmarks [--models qwen1.5b,v2-lite,PATH/config.json] [--device cuda|cpu] [--work DIR]
//        [--out DIR] [--steps N] [--prompt N] [--micro on|off] [--pdl on|off] [--janus DIR [--janus-parallel N]]
// Writes a random checkpoint of each model's real shape (or of a given config.json) under --work, loads it on
// cuda:0 (or the CPU) and measures prefill and decode; prints a Markdown table and writes it under --out.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
string models = Option("--models", "qwen1.5b,v2-lite"); // "none" with --janus times only Janus
string work = Option("--work", Path.Combine(Path.GetTempPath(), "deepseek-gpu-bench"));
string? output = Option("--out", "") is { Length: > 0 } o ? o : null;
int steps = int.Parse(Option("--steps", "64"), CultureInfo.InvariantCulture);
int ttftLength = int.Parse(Option("--prompt", "512"), CultureInfo.InvariantCulture);
bool onCpu = Option("--device", "cuda") == "cpu";
bool micro = Option("--micro", "on") == "on";
bool programmatic = Option("--pdl", "on") == "on"; // CudaBackendOptions.ProgrammaticDependentLaunch
const double HbmBytesPerSecond = 3.0e12; // device-to-device copy on the H100, measured (shared/DEVICE.md)

var log = new StringBuilder();
void Say(string line)
{
    Console.WriteLine(line);
    log.AppendLine(line);
}

IBackend backend;
if (onCpu)
{
    backend = new CpuBackend();
    Say($"Device: CPU, {Environment.ProcessorCount} threads");
}
else if (CudaBackend.TryCreate(0, out var cuda, out string? whyNot, new CudaBackendOptions { ProgrammaticDependentLaunch = programmatic }))
{
    backend = cuda;
    Say($"Device: {cuda.Info}; programmatic dependent launch {(programmatic ? "on" : "off")}");
}
else
{
    Say($"No CUDA backend: {whyNot}");
    return 2;
}
using (backend)
{
    if (micro && backend is CudaBackend gpu)
        foreach (string line in MicroBenchmarks.Run(gpu)) Say(line);
    // --janus DIR: a Janus checkpoint folder (tools/gpu/make_random_janus.py writes one of Janus-Pro-1B's shape).
    if (Option("--janus", "") is { Length: > 0 } janus)
        foreach (string line in JanusBenchmark.Run(backend, janus, int.Parse(Option("--janus-parallel", "16"), CultureInfo.InvariantCulture))) Say(line);
    var rows = new List<string>();
    foreach (string name in models.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
    {
        if (name == "none") continue;
        string configJson = name switch
        {
            "qwen1.5b" => ModelShapes.R1DistillQwen15B,
            "v2-lite" => ModelShapes.DeepSeekV2Lite,
            _ when File.Exists(name) => File.ReadAllText(name),
            _ => throw new ArgumentException($"Unknown model '{name}' (qwen1.5b, v2-lite, or a config.json path)."),
        };
        var (directory, weightBytes, written) = RandomCheckpoint.Write(Path.Combine(work, Path.GetFileName(Path.GetDirectoryName(name + "/x"))!), configJson);
        Say($"{name}: wrote {weightBytes / 1e9:F2} GB of random BF16 weights in {written.TotalSeconds:F1} s");
        var load = Stopwatch.StartNew();
        using var model = TextModels.Load(directory, backend);
        backend.Synchronize();
        Say($"{name}: loaded in {load.Elapsed.TotalSeconds:F1} s" + (backend is CudaBackend c ? $"; device memory {c.MemoryInUse.Live / 1e9:F2} GB" : ""));
        var config = ModelConfig.Load(Path.Combine(directory, ModelConfig.FileName));
        double bytesPerToken = DecodeBytes(config);
        double rooflineMs = bytesPerToken / HbmBytesPerSecond * 1e3;

        // A prompt is new work each time: no graph replay for it (a repeated identical prompt would replay).
        var cudaBackend = backend as CudaBackend;
        bool graphs = cudaBackend?.CudaGraphs ?? false;
        if (cudaBackend is not null) cudaBackend.CudaGraphs = false;
        double ttft = TimeToFirstToken(model, Math.Min(ttftLength, model.MaxContextLength - 1));
        if (cudaBackend is not null) cudaBackend.CudaGraphs = graphs;
        var before = cudaBackend?.Statistics ?? default;
        var (msPerToken, _) = DecodeOne(model, Math.Min(128, model.MaxContextLength / 2), steps);
        var after = cudaBackend?.Statistics ?? default;
        double fraction = rooflineMs / msPerToken;
        Say($"{name}: TTFT({ttftLength}) {ttft:F1} ms; batch 1: {msPerToken:F3} ms/token, {1e3 / msPerToken:F1} tok/s, "
            + $"roofline {rooflineMs:F3} ms ({bytesPerToken / 1e9:F2} GB/token) -> {fraction:P1}");
        if (cudaBackend is not null)
        {
            int measured = steps + 8 + 1;
            Say($"{name}: per decode step {(double)(after.Launches - before.Launches) / measured:F0} launches, "
                + $"{after.GraphReplays - before.GraphReplays} graph replays, {after.GraphCaptures - before.GraphCaptures} captures, "
                + $"{after.GraphFallbacks - before.GraphFallbacks} fallbacks over {measured} steps");
            if (cudaBackend.CudaGraphs)
            {
                cudaBackend.CudaGraphs = false;
                var (eagerMs, _) = DecodeOne(model, Math.Min(128, model.MaxContextLength / 2), steps);
                cudaBackend.CudaGraphs = true;
                Say($"{name}: batch 1 without CUDA graphs: {eagerMs:F3} ms/token ({rooflineMs / eagerMs:P1} of roofline)");
            }
        }
        string batch16 = "n/a", batch64 = "n/a";
        if (model is LlamaModel llama)
        {
            int prompt = Math.Min(128, model.MaxContextLength / 2);
            batch16 = $"{DecodeBatch(llama, 16, prompt, steps):F0}";
            batch64 = $"{DecodeBatch(llama, 64, prompt, steps):F0}";
            Say($"{name}: batch 16 {batch16} tok/s, batch 64 {batch64} tok/s");
        }
        rows.Add($"| {name} | {1e3 / msPerToken:F1} | {batch16} | {batch64} | {msPerToken:F3} | {rooflineMs:F3} | {fraction:P1} | {ttft:F1} |");
    }
    Say("");
    Say($"| Model (random weights, BF16) | tok/s batch 1 | tok/s batch 16 | tok/s batch 64 | ms/token (b1) | roofline ms/token | of roofline | TTFT {ttftLength} (ms) |");
    Say("|---|---:|---:|---:|---:|---:|---:|---:|");
    foreach (string row in rows) Say(row);
}
if (output is not null)
{
    Directory.CreateDirectory(output);
    File.WriteAllText(Path.Combine(output, "bench.md"), log.ToString());
}
return 0;

string Option(string flag, string fallback)
{
    int i = Array.IndexOf(args, flag);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

// Weight bytes one decode step must read: every matrix except the embedding table (one row of it is read), and
// of the routed experts only the num_experts_per_tok that a token uses.
static double DecodeBytes(ModelConfig config)
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

static int[] Prompt(int length, int vocab, int seed)
{
    var rng = new Random(seed);
    var ids = new int[length];
    for (int i = 0; i < length; i++) ids[i] = rng.Next(vocab);
    return ids;
}

static int Argmax(ReadOnlySpan<float> row)
{
    int best = 0;
    for (int i = 1; i < row.Length; i++)
        if (row[i] > row[best]) best = i;
    return best;
}

// Time from the prompt's ids to the first token's logits on the host; the median of three after a warm-up.
static double TimeToFirstToken(ICausalLanguageModel model, int length)
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
        Argmax(logits);
        if (run > 0) times.Add(watch.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    return times[1];
}

// Greedy decoding of one sequence after a prompt: each step's logits come back to the host and its argmax is the
// next input, as in generation.
static (double MsPerToken, int Last) DecodeOne(ICausalLanguageModel model, int promptLength, int steps)
{
    var logits = new float[model.VocabularySize];
    using var cache = model.CreateCache(promptLength + steps + 16);
    model.Forward(Prompt(promptLength, model.VocabularySize, 2), cache, logits);
    int token = Argmax(logits);
    for (int i = 0; i < 8; i++)
    {
        model.Forward([token], cache, logits);
        token = Argmax(logits);
    }
    var watch = Stopwatch.StartNew();
    for (int i = 0; i < steps; i++)
    {
        model.Forward([token], cache, logits);
        token = Argmax(logits);
    }
    return (watch.Elapsed.TotalMilliseconds / steps, token);
}

// Tokens per second of `sequences` sequences decoded together (one DecodeBatch per step), after their prompts.
static double DecodeBatch(LlamaModel model, int sequences, int promptLength, int steps)
{
    int vocab = model.VocabularySize;
    using var batch = model.CreateCaches(sequences, promptLength + steps + 16);
    var last = new float[vocab];
    var tokens = new int[sequences];
    for (int s = 0; s < sequences; s++)
    {
        model.Forward(Prompt(promptLength, vocab, 100 + s), batch[s], last);
        tokens[s] = Argmax(last);
    }
    var caches = batch.Sequences.ToArray();
    var logits = new float[sequences * vocab];
    void Step()
    {
        model.DecodeBatch(tokens, caches, logits);
        Parallel.For(0, sequences, s => tokens[s] = Argmax(logits.AsSpan(s * vocab, vocab)));
    }
    for (int i = 0; i < 4; i++) Step();
    var watch = Stopwatch.StartNew();
    for (int i = 0; i < steps; i++) Step();
    return sequences * steps / watch.Elapsed.TotalSeconds;
}
