using System.Diagnostics;
using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Tests;
using DeepSeek.Sdk.Vision.Janus;
using DeepSeek.Sdk.Vision.Pipelines;

namespace DeepSeek.Sdk.GpuBenchmarks;

/// <summary>Text-to-image time of a Janus checkpoint (tools/gpu/make_random_janus.py writes one of Janus-Pro-1B's
/// shape): the whole ImageGenerationPipeline call, prompt to decoded pixels, for one image (CFG runs the conditional
/// and unconditional rows together) and for a batch. A tokenizer shaped like Janus-Pro's is written beside the weights
/// when the folder has none (its ids are all below any real vocabulary size, so the weights do not care).</summary>
internal static class JanusBenchmark
{
    public static IEnumerable<string> Run(IBackend backend, string directory, int parallel)
    {
        if (!File.Exists(Path.Combine(directory, "tokenizer.json"))) JanusTinyTokenizer.WriteTo(directory);
        var load = Stopwatch.StartNew();
        var model = JanusModel.Load(directory, backend);
        backend.Synchronize();
        yield return $"janus: loaded in {load.Elapsed.TotalSeconds:F1} s";
        using var host = new ModelHost<JanusModel>(model, "janus", ownsModel: true);
        var pipeline = ImageGenerationPipeline.FromDirectory(host, directory);
        int tokens = model.ImageTokensPerImage, size = model.VqDecoder.ImageSize;
        yield return $"janus: {tokens} image tokens per {size}x{size} image";
        const string prompt = "a red circle on a blue background";
        var options = new ImageGenerationOptions { ParallelSize = 1, Seed = 1 };
        _ = pipeline.GenerateAsync(prompt, options).Result; // warm-up: kernels, cuBLAS handles, graph capture
        var times = new List<double>();
        for (int run = 0; run < 3; run++)
        {
            var watch = Stopwatch.StartNew();
            var result = pipeline.GenerateAsync(prompt, options with { Seed = 2 + run }).Result;
            times.Add(watch.Elapsed.TotalSeconds);
            if (run == 0) yield return $"janus: one image {watch.Elapsed.TotalSeconds:F2} s ({result.TokensPerSecond:F1} image tokens/s while sampling)";
        }
        times.Sort();
        yield return $"janus: one image, median of 3: {times[1]:F2} s";
        var batch = Stopwatch.StartNew();
        var many = pipeline.GenerateAsync(prompt, options with { ParallelSize = parallel, Seed = 9 }).Result;
        yield return $"janus: {parallel} images together {batch.Elapsed.TotalSeconds:F2} s ({many.TokensPerSecond:F1} image tokens/s while sampling)";
    }
}
