using System.Diagnostics;
using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Tests;
using DeepSeek.Sdk.Vision.Janus;
using DeepSeek.Sdk.Vision.Pipelines;

namespace DeepSeek.Cli.Benchmarking;

/// <summary>Text-to-image time of Janus-Pro-1B's shape: a random BF16 checkpoint in transformers' layout
/// (<see cref="RandomCheckpoint"/> over <see cref="ModelShapes.JanusPro1B"/>), timed through
/// <see cref="ImageGenerationPipeline.GenerateAsync"/> from the prompt to decoded pixels, for one image (CFG runs the
/// conditional and unconditional rows together) and for a batch. A stand-in tokenizer shaped like Janus-Pro's is
/// written beside the weights: its ids are all below the real vocabulary size, so the weights do not care.</summary>
internal static class JanusBenchmark
{
    public static IEnumerable<string> Run(IBackend backend, string workDirectory, int parallel)
    {
        var (directory, weightBytes, written) = RandomCheckpoint.Write(Path.Combine(workDirectory, "janus-pro-1b"), ModelShapes.JanusPro1B);
        JanusTinyTokenizer.WriteTo(directory);
        yield return $"janus-pro-1b: wrote {weightBytes / 1e9:F2} GB of random BF16 weights in {written.TotalSeconds:F1} s";
        var load = Stopwatch.StartNew();
        var model = JanusModel.Load(directory, backend);
        backend.Synchronize();
        yield return $"janus-pro-1b: loaded in {load.Elapsed.TotalSeconds:F1} s; {model.ImageTokensPerImage} image tokens per {model.VqDecoder.ImageSize}x{model.VqDecoder.ImageSize} image";
        using var host = new ModelHost<JanusModel>(model, "janus-pro-1b", ownsModel: true);
        var pipeline = ImageGenerationPipeline.FromDirectory(host, directory);
        const string prompt = "a red circle on a blue background";
        var options = new ImageGenerationOptions { ParallelSize = 1, Seed = 1 };
        _ = pipeline.GenerateAsync(prompt, options).GetAwaiter().GetResult(); // warm-up: kernels, cuBLAS handles, graphs
        var times = new List<double>();
        double tokensPerSecond = 0;
        for (int run = 0; run < 3; run++)
        {
            var watch = Stopwatch.StartNew();
            var result = pipeline.GenerateAsync(prompt, options with { Seed = 2 + run }).GetAwaiter().GetResult();
            times.Add(watch.Elapsed.TotalSeconds);
            tokensPerSecond = result.TokensPerSecond;
        }
        times.Sort();
        yield return $"janus-pro-1b: one image {times[1]:F2} s (median of 3; {tokensPerSecond:F1} image tokens/s while sampling)";
        var batch = Stopwatch.StartNew();
        var many = pipeline.GenerateAsync(prompt, options with { ParallelSize = parallel, Seed = 9 }).GetAwaiter().GetResult();
        yield return $"janus-pro-1b: {parallel} images together {batch.Elapsed.TotalSeconds:F2} s ({many.TokensPerSecond:F1} image tokens/s while sampling)";
    }
}
