using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Imaging;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Tensors;
using DeepSeek.Sdk.Text.Pipelines;
using DeepSeek.Sdk.Tokenization;
using DeepSeek.Sdk.Vision.Janus;
using DeepSeek.Sdk.Vision.Preprocessing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DeepSeek.Sdk.Vision.Pipelines;

/// <summary>Images and a question in, a streamed answer out (Janus-Pro multimodal understanding): the images are
/// preprocessed (<see cref="JanusImageProcessor"/>), encoded by SigLIP and the aligner into the placeholder positions
/// of the understanding prompt (<see cref="JanusPromptFormat"/>), and the language model answers through the shared
/// generation loop. The model is shared through a <see cref="ModelHost{TModel}"/> with the image generation pipeline;
/// requests are served one at a time in arrival order.</summary>
public sealed class ImageUnderstandingPipeline
{
    private readonly ModelHost<JanusModel> _host;
    private readonly int[] _eosTokenIds;
    private readonly ILogger _logger;

    public ImageUnderstandingPipeline(ModelHost<JanusModel> host, JanusPromptFormat format, JanusImageProcessor processor,
        ImageUnderstandingPipelineOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(processor);
        options ??= new ImageUnderstandingPipelineOptions();
        ArgumentNullException.ThrowIfNull(options.Defaults);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Defaults.MaxNewTokens, "options.Defaults.MaxNewTokens");
        options.Defaults.Sampling.Validate();
        _host = host;
        Format = format;
        Processor = processor;
        Options = options;
        _logger = logger ?? NullLogger.Instance;
        _eosTokenIds = options.EosTokenIds is { } ids ? [.. ids] : format.Tokenizer.EosId is int eos ? [eos] : [];
    }

    /// <summary>The pipeline for a Janus model folder: its tokenizer, preprocessor_config.json, config.json (token ids,
    /// image token count, EOS) and generation_config.json (EOS). <paramref name="options"/> replaces the defaults.</summary>
    public static ImageUnderstandingPipeline FromDirectory(ModelHost<JanusModel> host, string directory, ImageUnderstandingPipelineOptions? options = null, ILogger? logger = null,
        InputLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        limits ??= InputLimits.Default;
        var config = JanusModel.LoadConfig(directory, limits.Config);
        var tokenizer = Tokenizer.FromDirectory(directory, limits.Tokenizer);
        options ??= new ImageUnderstandingPipelineOptions();
        var format = new JanusPromptFormat(tokenizer, JanusSpecialTokens.From(tokenizer, config), config.Vision.NumImageTokens, options.SystemPrompt);
        if (options.EosTokenIds is null)
        {
            var eos = new List<int>(config.Text.EosTokenIds);
            if (GenerationConfig.LoadIfPresent(directory) is { } generation)
                foreach (int id in generation.EosTokenIds)
                    if (!eos.Contains(id)) eos.Add(id);
            if (tokenizer.EosId is int tokenizerEos && !eos.Contains(tokenizerEos)) eos.Add(tokenizerEos);
            options = options with { EosTokenIds = eos };
        }
        return new ImageUnderstandingPipeline(host, format, JanusImageProcessor.FromDirectory(directory, limits.Config), options, logger);
    }

    public JanusPromptFormat Format { get; }

    public JanusImageProcessor Processor { get; }

    public ImageUnderstandingPipelineOptions Options { get; }

    public ModelHost<JanusModel> Host => _host;

    /// <summary>The ids that end every answer.</summary>
    public IReadOnlyList<int> EosTokenIds => _eosTokenIds;

    public Task<TextGenerationResult> DescribeAsync(IReadOnlyList<ImageBuffer> images, string question, GenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        CollectAsync(DescribeStreamingAsync(images, question, options, cancellationToken));

    /// <summary>Streams the answer to <paramref name="question"/> about <paramref name="images"/> (in prompt order).
    /// Cancelling stops within one decode step.</summary>
    public async IAsyncEnumerable<TextGenerationUpdate> DescribeStreamingAsync(IReadOnlyList<ImageBuffer> images, string question, GenerationOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(question);
        var request = WithEos(options ?? Options.Defaults);
        long started = Stopwatch.GetTimestamp();
        int[] promptIds = Format.EncodeUnderstanding(question, images.Count);
        Tensor? pixels = images.Count == 0 ? null : Processor.Preprocess(images);

        using var lease = await _host.AcquireAsync(cancellationToken).ConfigureAwait(false);
        var model = lease.Model;
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.HostStopping);
        var imageEmbeddings = model.Backend.Allocate(DType.F32, new Shape(Math.Max(1, images.Count * model.ImageTokensPerImage), model.HiddenSize));
        if (pixels is not null)
            await Task.Run(() => model.EmbedImages(pixels, imageEmbeddings), cancellation.Token).ConfigureAwait(false);
        var adapter = new JanusUnderstandingModel(model, imageEmbeddings);
        var decoder = Format.Tokenizer.CreateStreamingDetokenizer(Options.SkipSpecialTokens);

        int completion = 0;
        long first = 0, last = 0;
        await foreach (var update in TokenGenerator.GenerateAsync(adapter, promptIds, request, decoder, cancellation.Token).ConfigureAwait(false))
        {
            if (update.TokenId != GenerationUpdate.NoToken)
            {
                last = Stopwatch.GetTimestamp();
                if (completion++ == 0) first = last;
            }
            if (update.FinishReason == FinishReason.None)
            {
                yield return new TextGenerationUpdate(update.Text, update.TokenId, FinishReason.None);
                continue;
            }
            var statistics = Statistics(promptIds.Length, completion, lease.QueueTime, started, first, last);
            _logger.LogInformation("Answered about {Images} image(s) with {CompletionTokens} tokens after a {PromptTokens}-token prompt: first token after {FirstTokenMs:F0} ms, {TokensPerSecond:F1} tokens/s, {Reason}.",
                images.Count, completion, promptIds.Length, statistics.TimeToFirstToken.TotalMilliseconds, statistics.DecodeTokensPerSecond, update.FinishReason);
            yield return new TextGenerationUpdate(update.Text, update.TokenId, update.FinishReason) { Statistics = statistics };
            yield break;
        }
    }

    private GenerationOptions WithEos(GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (_eosTokenIds.Length == 0) return options;
        var stops = new List<int>(options.StopTokenIds);
        foreach (int id in _eosTokenIds)
            if (!stops.Contains(id)) stops.Add(id);
        return stops.Count == options.StopTokenIds.Count ? options : options with { StopTokenIds = stops };
    }

    private static GenerationStatistics Statistics(int promptTokens, int completionTokens, TimeSpan queueTime, long started, long first, long last)
    {
        double decodeSeconds = Stopwatch.GetElapsedTime(first, last).TotalSeconds;
        return new GenerationStatistics(promptTokens, completionTokens, queueTime,
            completionTokens == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(started, first),
            Stopwatch.GetElapsedTime(started, completionTokens == 0 ? Stopwatch.GetTimestamp() : last),
            completionTokens >= 2 && decodeSeconds > 0 ? (completionTokens - 1) / decodeSeconds : 0);
    }

    private static async Task<TextGenerationResult> CollectAsync(IAsyncEnumerable<TextGenerationUpdate> updates)
    {
        var text = new StringBuilder();
        var ids = new List<int>();
        await foreach (var update in updates.ConfigureAwait(false))
        {
            text.Append(update.Text);
            if (update.TokenId != GenerationUpdate.NoToken) ids.Add(update.TokenId);
            if (update.Statistics is { } statistics) return new TextGenerationResult(text.ToString(), update.FinishReason, ids, statistics);
        }
        throw new InvalidOperationException("The generation ended without a final update.");
    }
}
