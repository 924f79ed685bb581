using System.Text;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Imaging;
using DeepSeek.Sdk.Imaging.Resampling;
using DeepSeek.Sdk.Vision.Preprocessing;
using DeepSeek.Sdk.Vision.Tests.Janus;

namespace DeepSeek.Sdk.Vision.Tests.Preprocessing;

public sealed class JanusImageProcessorTests
{
    /// <summary>The bar for pixel_values. One 8-bit level is 1/255/std ≈ 0.015 after normalization, so this
    /// allows a level of disagreement between resamplers (the reference may resize through torchvision rather than
    /// Pillow) but nothing more.</summary>
    private const double PixelTolerance = 2e-2;

    [Fact]
    public void Fixture_image_becomes_the_reference_pixel_values()
    {
        var fixture = JanusFixture.Load();
        var processor = JanusImageProcessor.FromDirectory(fixture.Directory);
        var image = ImageCodecs.DecodeFile(Path.Combine(fixture.Directory, "image.png"), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal((24, 40), (image.Width, image.Height)); // not square: resize of the long side, then padding
        var pixels = processor.Preprocess(image);
        var (expected, shape) = fixture.Expected["pixel_values"];
        Assert.Equal(shape, pixels.Shape.Dims.ToArray());
        var actual = pixels.ToFloatArray();
        double worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
        Assert.True(worst <= PixelTolerance, $"max |Δ| {worst:E3} exceeds {PixelTolerance}");
    }

    [Fact]
    public void Padding_centres_the_resized_image_on_the_background_colour()
    {
        var config = new JanusImageProcessorConfig { Size = 8, MinSize = 2, BackgroundColor = (10, 20, 30), ImageMean = [0, 0, 0], ImageStd = [1, 1, 1], RescaleFactor = 1 };
        var processor = new JanusImageProcessor(config);
        var red = new byte[4 * 8 * 3];
        for (int i = 0; i < red.Length; i += 3) red[i] = 200;
        var pixels = processor.Preprocess(ImageCodecs.FromRgb24(red, 8, 4)).ToFloatArray(); // wide: rows 2..5 hold it
        Assert.Equal(10f, pixels[0 * 64 + 1 * 8 + 3]);   // row 1 is padding (R plane)
        Assert.Equal(200f, pixels[0 * 64 + 2 * 8 + 3]);  // row 2 is image
        Assert.Equal(200f, pixels[0 * 64 + 5 * 8 + 3]);
        Assert.Equal(30f, pixels[2 * 64 + 6 * 8 + 0]);   // row 6 is padding (B plane)
    }

    [Fact]
    public void Release_config_pads_with_the_mean_and_truncates_the_short_side()
    {
        // deepseek-ai/Janus-Pro preprocessor_config.json (VLMImageProcessor).
        const string json = """
            {"background_color": [127, 127, 127], "do_normalize": true, "image_mean": [0.5, 0.5, 0.5], "image_processor_type": "VLMImageProcessor",
             "image_size": 384, "image_std": [0.5, 0.5, 0.5], "min_size": 14, "processor_class": "VLChatProcessor", "rescale_factor": 0.00392156862745098}
            """;
        var config = JanusImageProcessorConfig.Parse(Encoding.UTF8.GetBytes(json), "preprocessor_config.json");
        Assert.Equal((384, 14, LongSideRounding.Truncate), (config.Size, config.MinSize, config.Rounding));
        Assert.Equal(((byte)127, (byte)127, (byte)127), config.BackgroundColor);
        var withoutColor = JanusImageProcessorConfig.Parse(Encoding.UTF8.GetBytes(json.Replace("\"background_color\": [127, 127, 127], ", "", StringComparison.Ordinal)), "p.json");
        Assert.Equal(((byte)127, (byte)127, (byte)127), withoutColor.BackgroundColor); // int(0.5 · 255)
    }

    [Fact]
    public void Transformers_config_reads_size_and_rounds_half_to_even()
    {
        var config = JanusImageProcessorConfig.LoadOrDefault(JanusFixture.PathOf(JanusFixture.Name));
        Assert.Equal((32, LongSideRounding.RoundHalfToEven), (config.Size, config.Rounding));
        Assert.Equal(0.48145466, config.ImageMean[0], 8);
    }

    [Theory]
    [InlineData("{\"size\": {\"height\": 32, \"width\": 30}}", "size")]
    [InlineData("{\"resample\": 2}", "resample")]
    [InlineData("{\"image_std\": [0.5, 0, 0.5]}", "image_std")]
    [InlineData("{\"background_color\": [127, 300, 127]}", "background_color")]
    public void Unusable_settings_name_their_field(string json, string field)
    {
        var e = Assert.Throws<ConfigException>(() => JanusImageProcessorConfig.Parse(Encoding.UTF8.GetBytes(json), "p.json"));
        Assert.Equal(field, e.Field);
    }
}
