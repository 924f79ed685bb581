using System.Text.Json;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Imaging.Resampling;

namespace DeepSeek.Sdk.Vision.Preprocessing;

/// <summary>Janus's image preprocessing settings, from preprocessor_config.json in either of its two forms: transformers'
/// JanusImageProcessor (<c>size: {height, width}</c>, <c>background_color</c>, <c>do_pad</c>) and the release's
/// VLMImageProcessor (<c>image_size</c>; background derived from image_mean). Defaults are Janus-Pro's.</summary>
public sealed record JanusImageProcessorConfig
{
    public const string FileName = "preprocessor_config.json";

    /// <summary>Side of the square the model sees.</summary>
    public int Size { get; init; } = 384;

    /// <summary>The short side never goes below this when the long side is scaled to <see cref="Size"/>.</summary>
    public int MinSize { get; init; } = 14;

    public bool DoResize { get; init; } = true;

    public bool DoRescale { get; init; } = true;

    public double RescaleFactor { get; init; } = 1.0 / 255;

    public bool DoNormalize { get; init; } = true;

    public IReadOnlyList<double> ImageMean { get; init; } = [0.5, 0.5, 0.5];

    public IReadOnlyList<double> ImageStd { get; init; } = [0.5, 0.5, 0.5];

    /// <summary>Colour of the padding that makes the resized image square.</summary>
    public (byte Red, byte Green, byte Blue) BackgroundColor { get; init; } = (127, 127, 127);

    /// <summary>How the short side is rounded: the release truncates (int()), transformers rounds half to even.</summary>
    public LongSideRounding Rounding { get; init; } = LongSideRounding.Truncate;

    /// <summary>The folder's preprocessor_config.json, or Janus-Pro's defaults when there is none.</summary>
    public static JanusImageProcessorConfig LoadOrDefault(string directory, ConfigLimits? limits = null)
    {
        string path = Path.GetFullPath(Path.Combine(directory, FileName));
        return File.Exists(path) ? Parse(File.ReadAllBytes(path), path, limits) : new JanusImageProcessorConfig();
    }

    /// <summary>Parses preprocessor_config.json; the square's side is bounded by
    /// <see cref="ConfigLimits.MaxImageSize"/> of <paramref name="limits"/> (<see cref="ConfigLimits.Default"/> when
    /// null), since every image is resized to it.</summary>
    public static JanusImageProcessorConfig Parse(ReadOnlySpan<byte> utf8Json, string sourcePath, ConfigLimits? limits = null)
    {
        limits ??= ConfigLimits.Default;
        using (var document = ConfigDocument.Parse(utf8Json, sourcePath))
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new ConfigException("must be a JSON object", sourcePath);
            var d = new JanusImageProcessorConfig();
            int size = d.Size;
            string sizeField = "size";
            if (root.TryGetProperty("size", out var sizeValue) && sizeValue.ValueKind == JsonValueKind.Object)
            {
                int height = PositiveInt(sizeValue, "height", sourcePath, "size.height");
                int width = PositiveInt(sizeValue, "width", sourcePath, "size.width");
                if (height != width) throw new ConfigException($"height {height} and width {width} differ; Janus pads to a square", sourcePath, "size");
                size = height;
            }
            else if (sizeValue.ValueKind == JsonValueKind.Number)
            {
                // An integer size means a square of that side (transformers' get_size_dict with default_to_square).
                size = PositiveInt(root, "size", sourcePath, "size");
            }
            else if (sizeValue.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
            {
                throw new ConfigException($"must be {{\"height\": n, \"width\": n}} or an integer, got {sizeValue.GetRawText()}", sourcePath, "size");
            }
            else if (root.TryGetProperty("image_size", out _))
            {
                size = PositiveInt(root, "image_size", sourcePath, "image_size");
                sizeField = "image_size";
            }
            // Every image is resized and padded to size × size before anything else: bound it before it is allocated.
            if (size > limits.MaxImageSize)
                throw new ConfigException($"{size} exceeds the limit (ConfigLimits.{nameof(ConfigLimits.MaxImageSize)} = {limits.MaxImageSize})", sourcePath, sizeField);
            // The resized short side never goes below min_size, so a min_size above size would pad past the square.
            int minSize = root.TryGetProperty("min_size", out _) ? PositiveInt(root, "min_size", sourcePath, "min_size") : Math.Min(d.MinSize, size);
            if (minSize > size) throw new ConfigException($"{minSize} exceeds the image size {size}", sourcePath, "min_size");
            // PIL resample 3 is BICUBIC, the only filter Janus uses (and the one the resampler reproduces).
            if (root.TryGetProperty("resample", out var resample) && !(resample.ValueKind == JsonValueKind.Number && resample.TryGetDouble(out double filter) && filter == 3))
                throw new ConfigException($"{resample.GetRawText()} is not supported (3, bicubic)", sourcePath, "resample");
            if (Bool(root, "do_pad", sourcePath, true) == false)
                throw new ConfigException("false is not supported: Janus's vision tower takes square images", sourcePath, "do_pad");
            var mean = Triple(root, "image_mean", sourcePath) ?? d.ImageMean;
            var std = Triple(root, "image_std", sourcePath) ?? d.ImageStd;
            foreach (double s in std)
                if (!(s > 0)) throw new ConfigException($"must be positive, got {s}", sourcePath, "image_std");
            // The release (VLMImageProcessor) pads with int(mean · 255); transformers stores background_color.
            var background = Triple(root, "background_color", sourcePath) is { } color
                ? (Byte(color[0], sourcePath), Byte(color[1], sourcePath), Byte(color[2], sourcePath))
                : ((byte)(int)(mean[0] * 255), (byte)(int)(mean[1] * 255), (byte)(int)(mean[2] * 255));
            string? type = root.TryGetProperty("image_processor_type", out var t) && t.ValueKind == JsonValueKind.String ? ConfigDocument.Text(t, sourcePath, "image_processor_type") : null;
            return new JanusImageProcessorConfig
            {
                Size = size,
                MinSize = minSize,
                DoResize = Bool(root, "do_resize", sourcePath, d.DoResize),
                DoRescale = Bool(root, "do_rescale", sourcePath, d.DoRescale),
                RescaleFactor = root.TryGetProperty("rescale_factor", out var rf) ? Number(rf, sourcePath, "rescale_factor") : d.RescaleFactor,
                DoNormalize = Bool(root, "do_normalize", sourcePath, d.DoNormalize),
                ImageMean = mean,
                ImageStd = std,
                BackgroundColor = background,
                Rounding = type is not null && type.StartsWith("JanusImageProcessor", StringComparison.Ordinal) ? LongSideRounding.RoundHalfToEven : LongSideRounding.Truncate,
            };
        }
    }

    private static int PositiveInt(JsonElement parent, string name, string path, string field)
    {
        if (parent.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int value) && value > 0) return value;
        throw new ConfigException("must be a positive integer", path, field);
    }

    private static bool Bool(JsonElement parent, string name, string path, bool fallback)
    {
        if (!parent.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return fallback;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ConfigException($"must be true or false, got {v.GetRawText()}", path, name),
        };
    }

    private static double Number(JsonElement v, string path, string field) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double x) && double.IsFinite(x)
            ? x : throw new ConfigException($"must be a finite number, got {v.GetRawText()}", path, field);

    private static double[]? Triple(JsonElement parent, string name, string path)
    {
        if (!parent.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.Number) return [v.GetDouble(), v.GetDouble(), v.GetDouble()];
        if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() != 3)
            throw new ConfigException($"must be a number or a list of 3 (one per RGB channel), got {v.GetRawText()}", path, name);
        var result = new double[3];
        int i = 0;
        foreach (var item in v.EnumerateArray()) result[i++] = Number(item, path, name);
        return result;
    }

    private static byte Byte(double value, string path) =>
        value is >= 0 and <= 255 && value == Math.Floor(value) ? (byte)value : throw new ConfigException($"entries must be integers 0..255, got {value}", path, "background_color");
}
