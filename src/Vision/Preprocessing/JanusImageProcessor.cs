using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Imaging;
using DeepSeek.Sdk.Imaging.Resampling;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Vision.Preprocessing;

/// <summary>Turns images into Janus's <c>pixel_values</c> as the release's VLMImageProcessor and transformers'
/// JanusImageProcessor do: scale the long side to <see cref="JanusImageProcessorConfig.Size"/> with Pillow's bicubic
/// filter (<see cref="ImagePadding.ResizeAndPadToSquare"/>), pad to a square with the background colour, then
/// <c>(value · rescale_factor − mean) / std</c> per channel, computed in double and stored as F32, channels-first.</summary>
public sealed class JanusImageProcessor
{
    public JanusImageProcessor(JanusImageProcessorConfig? config = null)
    {
        Config = config ?? new JanusImageProcessorConfig();
        if (Config.ImageMean.Count != 3 || Config.ImageStd.Count != 3)
            throw new ArgumentException("image_mean and image_std need one value per RGB channel.", nameof(config));
    }

    public JanusImageProcessorConfig Config { get; }

    /// <summary>The processor of a model folder (its preprocessor_config.json, or Janus-Pro's defaults), its image size
    /// bounded by <paramref name="limits"/> (<see cref="ConfigLimits.Default"/> when null).</summary>
    public static JanusImageProcessor FromDirectory(string directory, ConfigLimits? limits = null) =>
        new(JanusImageProcessorConfig.LoadOrDefault(directory, limits));

    /// <summary>The square, padded RGB image the model sees, before rescaling and normalization.</summary>
    public ImageBuffer ResizeAndPad(ImageBuffer image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var rgb = image.ToRgb24();
        var (r, g, b) = Config.BackgroundColor;
        var square = Config.DoResize
            ? ImagePadding.ResizeAndPadToSquare(rgb, Config.Size, Config.MinSize, Config.Rounding, r, g, b)
            : ImagePadding.ExpandToSquare(rgb, r, g, b);
        if (square.Width != Config.Size)
            throw new ArgumentException($"With do_resize false the image must already fit a {Config.Size}-pixel square, but it pads to {square.Width}.", nameof(image));
        return square;
    }

    /// <summary>F32 [images, 3, Size, Size] on the host.</summary>
    public Tensor Preprocess(IReadOnlyList<ImageBuffer> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) throw new ArgumentException("At least one image is needed.", nameof(images));
        int size = Config.Size, plane = size * size;
        var result = Tensor.Zeros(DType.F32, new Shape(images.Count, 3, size, size));
        var values = result.AsSpan<float>();
        for (int n = 0; n < images.Count; n++) Normalize(ResizeAndPad(images[n]).Pixels, values.Slice(n * 3 * plane, 3 * plane));
        return result;
    }

    public Tensor Preprocess(ImageBuffer image) => Preprocess([image]);

    /// <summary>Rescales and normalizes interleaved RGB bytes of a Size × Size image into channels-first values.</summary>
    public void Normalize(ReadOnlySpan<byte> rgb, Span<float> channelsFirst)
    {
        int plane = Config.Size * Config.Size;
        if (rgb.Length != 3 * plane || channelsFirst.Length != 3 * plane)
            throw new ArgumentException($"A {Config.Size}x{Config.Size} RGB image has {3 * plane} values; got {rgb.Length} bytes and room for {channelsFirst.Length}.");
        Span<double> scale = stackalloc double[3];
        Span<double> shift = stackalloc double[3];
        for (int c = 0; c < 3; c++)
        {
            double rescale = Config.DoRescale ? Config.RescaleFactor : 1.0;
            double mean = Config.DoNormalize ? Config.ImageMean[c] : 0.0, std = Config.DoNormalize ? Config.ImageStd[c] : 1.0;
            // (v · rescale − mean) / std, as rescale then normalize compute it, folded into one multiply-add.
            scale[c] = rescale / std;
            shift[c] = -mean / std;
        }
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < 3; c++)
                channelsFirst[c * plane + p] = (float)(rgb[3 * p + c] * scale[c] + shift[c]);
    }
}
