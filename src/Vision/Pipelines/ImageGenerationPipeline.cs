using System.Diagnostics;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Imaging;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Tokenization;
using DeepSeek.Sdk.Vision.Janus;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DeepSeek.Sdk.Vision.Pipelines;

/// <summary>A prompt in, images out (Janus-Pro text-to-image): the generation prompt (<see cref="JanusPromptFormat"/>)
/// and its unconditional twin prefill 2 · ParallelSize rows, the image-token grid is sampled one token per image per
/// step under classifier-free guidance (<see cref="JanusImageGenerationSession"/>), and the VQ decoder turns each grid
/// into an RGB image. The model is shared through a <see cref="ModelHost{TModel}"/>; requests run one at a time.</summary>
public sealed class ImageGenerationPipeline
{
    private readonly ModelHost<JanusModel> _host;
    private readonly ILogger _logger;

    public ImageGenerationPipeline(ModelHost<JanusModel> host, JanusPromptFormat format, ImageGenerationOptions? defaults = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(format);
        defaults ??= new ImageGenerationOptions();
        defaults.Validate();
        _host = host;
        Format = format;
        Defaults = defaults;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The pipeline for a Janus model folder (its tokenizer and config.json).</summary>
    public static ImageGenerationPipeline FromDirectory(ModelHost<JanusModel> host, string directory, ImageGenerationOptions? defaults = null, ILogger? logger = null,
        InputLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        limits ??= InputLimits.Default;
        var config = JanusModel.LoadConfig(directory, limits.Config);
        var tokenizer = Tokenizer.FromDirectory(directory, limits.Tokenizer);
        var format = new JanusPromptFormat(tokenizer, JanusSpecialTokens.From(tokenizer, config), config.Vision.NumImageTokens, systemPrompt: null);
        return new ImageGenerationPipeline(host, format, defaults, logger);
    }

    public JanusPromptFormat Format { get; }

    public ImageGenerationOptions Defaults { get; }

    public ModelHost<JanusModel> Host => _host;

    /// <summary>Generates <see cref="ImageGenerationOptions.ParallelSize"/> images for <paramref name="prompt"/>, reporting
    /// each sampled token step and each decoded image to <paramref name="progress"/>. Cancelling stops within one step.</summary>
    public async Task<ImageGenerationResult> GenerateAsync(string prompt, ImageGenerationOptions? options = null, IProgress<ImageGenerationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        options ??= Defaults;
        options.Validate();
        long started = Stopwatch.GetTimestamp();
        int[] promptIds = Format.EncodeGeneration(prompt);
        int[] unconditional = Format.Unconditional(promptIds);

        using var lease = await _host.AcquireAsync(cancellationToken).ConfigureAwait(false);
        var model = lease.Model;
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.HostStopping);
        var token = cancellation.Token;
        var (grids, tokenSeconds) = await Task.Run(() => SampleTokens(model, promptIds, unconditional, options, progress, token), token).ConfigureAwait(false);
        var images = await Task.Run(() => Decode(model, grids, progress, token), token).ConfigureAwait(false);

        var duration = Stopwatch.GetElapsedTime(started);
        double tokensPerSecond = tokenSeconds > 0 ? grids.Length * (double)grids[0].Length / tokenSeconds : 0;
        _logger.LogInformation("Generated {Images} image(s) of {Size}px from a {PromptTokens}-token prompt in {Seconds:F1} s: {TokensPerSecond:F1} image tokens/s, cfg_weight {CfgWeight}, temperature {Temperature}.",
            images.Length, model.VqDecoder.ImageSize, promptIds.Length, duration.TotalSeconds, tokensPerSecond, options.CfgWeight, options.Temperature);
        return new ImageGenerationResult(images, grids, promptIds.Length, lease.QueueTime, duration) { TokensPerSecond = tokensPerSecond };
    }

    /// <summary>The token loop of generation_inference.py generate(): guided logits per image, sampled, fed back to
    /// both rows of the image, until the grid is full.</summary>
    private static (int[][] Grids, double Seconds) SampleTokens(JanusModel model, int[] promptIds, int[] unconditional, ImageGenerationOptions options,
        IProgress<ImageGenerationProgress>? progress, CancellationToken cancellationToken)
    {
        int parallel = options.ParallelSize, count = model.GeneratedTokensPerImage, vocabulary = model.ImageVocabularySize;
        long started = Stopwatch.GetTimestamp();
        using var session = JanusImageGenerationSession.Start(model, promptIds, unconditional, parallel, count, cancellationToken);
        var samplers = new Sampler[parallel];
        for (int i = 0; i < parallel; i++)
        {
            var sampling = new SamplingOptions { Temperature = options.Temperature, TopK = options.TopK, Seed = options.Seed is { } seed ? unchecked(seed + i) : null };
            samplers[i] = new Sampler(sampling, vocabulary);
        }
        var grids = new int[parallel][];
        for (int i = 0; i < parallel; i++) grids[i] = new int[count];
        var guided = new float[vocabulary];
        var step = new int[parallel];
        for (int t = 0; t < count; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (int i = 0; i < parallel; i++)
            {
                session.GuidedLogits(i, options.CfgWeight, guided);
                step[i] = grids[i][t] = samplers[i].Sample(guided);
            }
            progress?.Report(new ImageGenerationProgress(ImageGenerationStage.GeneratingTokens, t + 1, count));
            if (t + 1 < count) session.Advance(step, cancellationToken);
        }
        return (grids, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private static ImageBuffer[] Decode(JanusModel model, int[][] grids, IProgress<ImageGenerationProgress>? progress, CancellationToken cancellationToken)
    {
        int size = model.VqDecoder.ImageSize;
        var pixels = new float[size * size * 3];
        var images = new ImageBuffer[grids.Length];
        for (int i = 0; i < grids.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            model.DecodeImageTokens(grids[i], pixels);
            images[i] = JanusImageOutput.ToImage(pixels, size, size);
            progress?.Report(new ImageGenerationProgress(ImageGenerationStage.DecodingImages, i + 1, grids.Length));
        }
        return images;
    }
}
