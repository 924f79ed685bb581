using System.Globalization;
using System.Text.Json;
using DeepSeek.Sdk.Imaging;
using DeepSeek.Sdk.Vision.Pipelines;
using Microsoft.Extensions.AI;
using MeaiImageGenerationOptions = Microsoft.Extensions.AI.ImageGenerationOptions;
using ImageGenerationOptions = DeepSeek.Sdk.Vision.Pipelines.ImageGenerationOptions;

namespace DeepSeek.Sdk.Vision.ImageGenerator;

/// <summary>Microsoft.Extensions.AI's <see cref="IImageGenerator"/> over an <see cref="ImageGenerationPipeline"/>, so code
/// written against that abstraction generates images with Janus-Pro in-process. <c>Count</c> is the number of images
/// (generated together); <c>AdditionalProperties</c> may carry <c>cfg_weight</c>, <c>temperature</c>, <c>top_k</c> and
/// <c>seed</c>. Images come back as PNG <see cref="DataContent"/>. What the model cannot do (editing images, another
/// size than its own, another media type, URLs) is refused with <see cref="NotSupportedException"/>.</summary>
public sealed class DeepSeekImageGenerator : IImageGenerator
{
    public const string ProviderName = "deepseek-sdk";

    private readonly ImageGenerationPipeline _pipeline;

    public DeepSeekImageGenerator(ImageGenerationPipeline pipeline, string? modelId = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _pipeline = pipeline;
        ModelId = modelId;
    }

    public string? ModelId { get; }

    public ImageGenerationPipeline Pipeline => _pipeline;

    public async Task<ImageGenerationResponse> GenerateAsync(ImageGenerationRequest request, MeaiImageGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.OriginalImages?.Any() == true)
            throw new NotSupportedException("Janus-Pro generates images from text; editing existing images is not supported.");
        if (string.IsNullOrWhiteSpace(request.Prompt))
            throw new ArgumentException("The request has no prompt.", nameof(request));
        var settings = ToOptions(options, _pipeline.Defaults);
        var result = await _pipeline.GenerateAsync(request.Prompt, settings, null, cancellationToken).ConfigureAwait(false);
        var contents = new List<AIContent>(result.Images.Count);
        foreach (var image in result.Images) contents.Add(new DataContent(ImageCodecs.EncodePng(image), "image/png"));
        return new ImageGenerationResponse(contents) { RawRepresentation = result };
    }

    /// <summary>This generator, the pipeline, or null.</summary>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType.IsInstanceOfType(this)) return this;
        if (serviceType.IsInstanceOfType(_pipeline)) return _pipeline;
        return null;
    }

    public void Dispose()
    {
    }

    /// <summary>The pipeline's request settings for <paramref name="options"/>, starting from <paramref name="defaults"/>.</summary>
    public static ImageGenerationOptions ToOptions(MeaiImageGenerationOptions? options, ImageGenerationOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        if (options is null) return defaults;
        if (options.ImageSize is { } size)
            throw new NotSupportedException($"Janus-Pro draws images of one size (its VQ grid); {size.Width}x{size.Height} cannot be requested. Leave ImageSize unset.");
        if (options.MediaType is { } mediaType && !mediaType.Equals("image/png", StringComparison.OrdinalIgnoreCase))
            throw new NotSupportedException($"Images come back as image/png, not {mediaType}.");
        if (options.ResponseFormat is { } format && format != ImageGenerationResponseFormat.Data)
            throw new NotSupportedException($"Images come back as data, not {format}: nothing is hosted.");
        var result = defaults;
        if (options.Count is { } count) result = result with { ParallelSize = count };
        if (options.AdditionalProperties is { } extra)
        {
            if (Number(extra, "cfg_weight") is { } cfg) result = result with { CfgWeight = (float)cfg };
            if (Number(extra, "temperature") is { } temperature) result = result with { Temperature = (float)temperature };
            if (Number(extra, "top_k") is { } topK) result = result with { TopK = checked((int)topK) };
            if (Number(extra, "seed") is { } seed) result = result with { Seed = checked((int)seed) };
        }
        result.Validate();
        return result;
    }

    private static double? Number(AdditionalPropertiesDictionary properties, string key)
    {
        if (!properties.TryGetValue(key, out object? value) || value is null) return null;
        return value switch
        {
            int i => i,
            long l => l,
            float f => f,
            double d => d,
            decimal m => (double)m,
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) => parsed,
            JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
            _ => throw new ArgumentException($"AdditionalProperties['{key}'] must be a number, got {value}.", nameof(properties)),
        };
    }
}
