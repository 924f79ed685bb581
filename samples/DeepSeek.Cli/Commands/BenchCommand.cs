using DeepSeek.Cli.Benchmarking;
using DeepSeek.Sdk.Backends.Cuda;
using DeepSeek.Sdk.Runtime;
using System.CommandLine;
using System.Globalization;
using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Tensors;
using DeepSeek.Sdk.Text.DeepSeek;
using Spectre.Console;

namespace DeepSeek.Cli.Commands;

/// <summary><c>deepseek bench</c>: builds a DeepSeek-V3-architecture model with random weights of a preset's real
/// shapes in memory, measures the machine's read bandwidth, prefills a prompt and decodes tokens, and reports decode
/// speed against the roofline: a decode step must stream every active weight once, so it can take no less than
/// active bytes / read bandwidth.</summary>
public static class BenchCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var preset = new Option<string>("--preset") { Description = $"Model shape: {string.Join(", ", BenchPresets.All.Keys)}.", DefaultValueFactory = _ => "moe-100m" };
        var dtype = new Option<string>("--dtype") { Description = "Weight type: bf16, f16 or f32.", DefaultValueFactory = _ => "bf16" };
        var prompt = new Option<int>("--prompt-tokens") { Description = "Prompt length for the prefill.", DefaultValueFactory = _ => 64 };
        var tokens = new Option<int>("--tokens") { Description = "Decode steps to time.", DefaultValueFactory = _ => 64 };
        var warmup = new Option<int>("--warmup") { Description = "Decode steps run before timing.", DefaultValueFactory = _ => 8 };
        var threads = CommonOptions.Threads();
        var bandwidthMib = new Option<int>("--bandwidth-mib") { Description = $"Buffer size for the read-bandwidth measurement (1 to {MaxBandwidthMib}).", DefaultValueFactory = _ => 1024 };
        var seed = new Option<int>("--seed") { Description = "Seed of the random weights and prompt.", DefaultValueFactory = _ => 1 };
        var device = new Option<string>("--device") { Description = "cpu: the MoE preset against the read bandwidth; cuda or cuda:N: the GPU suite (--models).", DefaultValueFactory = _ => "cpu" };
        var models = new Option<string>("--models") { Description = "GPU suite: comma-separated qwen1.5b, v2-lite, janus-pro-1b or config.json paths.", DefaultValueFactory = _ => "qwen1.5b,v2-lite,janus-pro-1b" };
        var ttft = new Option<int>("--ttft-tokens") { Description = "GPU suite: prompt length for the time to first token.", DefaultValueFactory = _ => 512 };
        var micro = new Option<bool>("--micro") { Description = "GPU suite: first time the decode GEMV and kernel launches alone." };
        var images = new Option<int>("--images") { Description = "GPU suite: Janus images generated together in the batch timing (1 to 64).", DefaultValueFactory = _ => 16 };
        var work = new Option<string>("--work")
        {
            Description = $"GPU suite: folder for the random checkpoints (several GB), kept for the next run. It must be new, empty, or one the bench made ({BenchWorkFolder.MarkerName} inside): the bench never writes among files it did not make.",
            DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "deepseek-gpu-bench"),
        };
        var command = new Command("bench", "Decode speed against the memory roofline: a random-weight DeepSeek-V3-architecture MoE on the CPU, or random checkpoints of real shapes on an NVIDIA GPU.")
        {
            preset, dtype, prompt, tokens, warmup, threads, bandwidthMib, seed, device, models, ttft, micro, images, work,
        };
        command.SetAction((parse, ct) =>
        {
            string where = parse.GetValue(device)!;
            if (where == "cpu")
            {
                return Task.FromResult(Run(console, new Settings(parse.GetValue(preset)!, parse.GetValue(dtype)!, parse.GetValue(prompt),
                    parse.GetValue(tokens), parse.GetValue(warmup), parse.GetValue(threads), parse.GetValue(bandwidthMib), parse.GetValue(seed)), ct));
            }
            return Task.FromResult(RunGpu(console, where, parse.GetValue(models)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                parse.GetValue(work)!, parse.GetValue(tokens), parse.GetValue(ttft), parse.GetValue(micro), parse.GetValue(images)));
        });
        return command;
    }

    /// <summary>The most MiB the bandwidth measurement reads: one array of floats (at most 2^31 elements) holds them.</summary>
    public const int MaxBandwidthMib = 4096;

    /// <summary>The GPU suite on <paramref name="device"/> (cuda or cuda:N): see <see cref="GpuBenchmark"/>. The settings
    /// and the work folder are checked before the device is touched.</summary>
    public static int RunGpu(IAnsiConsole console, string device, IReadOnlyList<string> models, string work, int steps, int ttftTokens, bool micro, int images)
    {
        ArgumentNullException.ThrowIfNull(models);
        if (!DeviceSelection.TryParse(device, out var selection) || selection.Kind != DeviceSelectionKind.Cuda)
            throw new UsageException($"--device must be cpu, cuda or cuda:N, not '{device}'.");
        if (steps is < 1 or > 100_000 || ttftTokens is < 1 or > 1_000_000 || images is < 1 or > 64 || models.Count == 0)
            throw new UsageException("--tokens must be in 1..100000, --ttft-tokens in 1..1000000 and --images in 1..64, and --models must name a model.");
        foreach (string name in models)
            if (name is not ("qwen1.5b" or "v2-lite" or "janus-pro-1b") && !File.Exists(name))
                throw new UsageException($"--models: '{name}' is neither qwen1.5b, v2-lite, janus-pro-1b nor a config.json that exists.");
        if (BenchWorkFolder.Refusal(work) is { } refusal)
            throw new UsageException($"--work: {refusal}", "give --work a new or empty folder; the bench writes only where it made the files.");
        if (!CudaBackend.TryCreate(selection.Index, out var backend, out string? whyNot))
            throw new CommandException($"no CUDA backend on {device}: {whyNot}", "deepseek bench --device cpu measures the processor.");
        using (backend)
        {
            console.WriteLine($"Device: {backend.Info}");
            GpuBenchmark.Run(backend, models, work, steps, ttftTokens, micro, images, line => console.WriteLine(line));
        }
        return ExitCodes.Success;
    }

    public sealed record Settings(string Preset, string DType, int PromptTokens, int Tokens, int Warmup, int Threads, int BandwidthMib, int Seed);

    public static int Run(IAnsiConsole console, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var weightType = settings.DType.ToLowerInvariant() switch
        {
            "bf16" => DType.BF16,
            "f16" => DType.F16,
            "f32" => DType.F32,
            _ => throw new UsageException($"--dtype must be bf16, f16 or f32, not '{settings.DType}'."),
        };
        if (!BenchPresets.All.ContainsKey(settings.Preset))
            throw new UsageException($"Unknown preset '{settings.Preset}'; choose one of: {string.Join(", ", BenchPresets.All.Keys)}.");
        var config = BenchPresets.Load(settings.Preset);
        if (settings.PromptTokens < 1 || settings.Tokens < 1 || settings.Warmup < 0 || settings.BandwidthMib is < 1 or > MaxBandwidthMib)
            throw new UsageException($"--prompt-tokens and --tokens must be at least 1, --warmup at least 0, --bandwidth-mib in 1..{MaxBandwidthMib}.");
        if (settings.Threads < 0 || settings.Threads > CpuBackend.MaxThreadCount)
            throw new UsageException($"--threads must be 0 (one per logical processor) or between 1 and {CpuBackend.MaxThreadCount}, not {settings.Threads}.");
        // In long: three counts near int.MaxValue would wrap to a negative sum and pass.
        if ((long)settings.PromptTokens + settings.Warmup + settings.Tokens > config.MaxPositionEmbeddings)
            throw new UsageException($"prompt + warm-up + timed tokens exceed the preset's {config.MaxPositionEmbeddings} positions.");

        using var backend = new CpuBackend(settings.Threads);
        int threadCount = backend.ThreadCount;
        console.MarkupLineInterpolated($"[grey]measuring read bandwidth ({settings.BandwidthMib} MiB, {threadCount} threads)...[/]");
        double bandwidthBefore = ReadBandwidth.MeasureBytesPerSecond(threadCount, (long)settings.BandwidthMib << 20);
        cancellationToken.ThrowIfCancellationRequested();

        console.MarkupLineInterpolated($"[grey]building preset {settings.Preset} with random {weightType} weights...[/]");
        var buildWatch = System.Diagnostics.Stopwatch.StartNew();
        using var model = DeepSeekV3RandomWeights.Create(config, backend, weightType, settings.Seed);
        var weights = ActiveWeights.Of(model);
        console.MarkupLineInterpolated($"[grey]built in {buildWatch.ElapsedMilliseconds} ms; running {settings.PromptTokens}-token prefill, {settings.Warmup} warm-up and {settings.Tokens} timed decode steps...[/]");

        var r = DecodeBenchmark.Run(model, settings.PromptTokens, settings.Warmup, settings.Tokens, settings.Seed, cancellationToken);
        // Measured again after decoding: a shared VM's memory bandwidth drifts by tens of percent from minute to minute,
        // and the roofline is the better of the two (what the memory delivered), so the fraction errs low, not high.
        double bandwidthAfter = ReadBandwidth.MeasureBytesPerSecond(threadCount, (long)settings.BandwidthMib << 20);
        double bandwidth = Math.Max(bandwidthBefore, bandwidthAfter);
        long bytesPerToken = weights.ActiveBytes + r.CacheBytesReadPerStep;
        double rooflineMs = bytesPerToken / bandwidth * 1e3;
        double fraction = rooflineMs / r.MeanStepMs;

        var table = new Table().AddColumns("measure", "value");
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
        Row("preset", $"{settings.Preset}: {BenchPresets.All[settings.Preset].Summary}");
        Row("weights", $"{weightType}, {Format.Count(weights.TotalParameters)} parameters ({Format.Bytes(weights.TotalBytes)}), {threadCount} threads");
        Row("active per token", $"{Format.Count(weights.ActiveParameters)} parameters, {Format.Bytes(weights.ActiveBytes)} of weights + {Format.Bytes(r.CacheBytesReadPerStep)} of cache");
        Row("read bandwidth", $"{bandwidth / 1e9:F1} GB/s (best of {bandwidthBefore / 1e9:F1} before and {bandwidthAfter / 1e9:F1} after decoding)");
        Row("prefill", $"{r.PromptTokens} tokens in {r.Prefill.TotalMilliseconds:F1} ms ({r.PrefillTokensPerSecond:F1} tokens/s)");
        Row("decode", $"{r.DecodeTokensPerSecond:F1} tokens/s");
        Row("ms/token", $"mean {r.MeanStepMs:F2}, median {r.MedianStepMs:F2}, p90 {r.P90StepMs:F2}");
        Row("roofline", $"{rooflineMs:F2} ms/token ({1e3 / rooflineMs:F1} tokens/s)");
        Row("fraction of roofline", $"{fraction * 100:F0}%");
        Row("effective bandwidth", $"{bytesPerToken / (r.MeanStepMs * 1e-3) / 1e9:F1} GB/s");
        Row("allocated per decode step", $"{r.AllocatedBytesPerStep.ToString(CultureInfo.InvariantCulture)} B");
        console.Write(table);
        return 0;
    }
}
