using DeepSeek.Sdk.Imaging;

namespace DeepSeek.Sdk.Core.Tests.Imaging;

/// <summary>Every JPEG fixture against Pillow's decoding (libjpeg-turbo: islow IDCT, fancy upsampling), plus the
/// metadata the decoder reports.</summary>
public sealed class JpegDecoderTests
{
    /// <summary>Allowed largest absolute difference per channel: 0. Pillow decodes through libjpeg-turbo with the
    /// islow integer IDCT, "fancy" triangle upsampling and fixed-point YCbCr tables; JpegIdct, JpegUpsampler and
    /// JpegColorConverter reproduce each step's integer arithmetic, so the pixels are identical. Observed: 0 on every
    /// channel of every fixture (baseline, progressive, 4:4:4/4:2:2/4:2:0/4:4:0/4:1:1 and mixed sampling, restart
    /// intervals, greyscale, RGB, CMYK, YCCK, Exif orientations 1..8) with the committed references (Pillow 12.3.0,
    /// libjpeg-turbo 3.1.4.1, manifest.json "environment"), and likewise with Debian's Pillow 9.4 / libjpeg-turbo 2.1.5
    /// while the decoder was developed. libjpeg-turbo's SIMD paths are bit-exact with its C code for these steps.</summary>
    private const int AllowedMaxAbsDifference = 0;

    [Theory]
    [MemberData(nameof(ImageFixtures.JpegNames), MemberType = typeof(ImageFixtures))]
    public void Rgb_decoding_matches_Pillow_within_the_stated_tolerance(string name)
    {
        var entry = ImageFixtures.Entry("jpeg", name);
        int w = ImageFixtures.Int(entry, "width"), h = ImageFixtures.Int(entry, "height");
        var image = ImageCodecs.Decode(ImageFixtures.Input(entry), cancellationToken: TestContext.Current.CancellationToken);
        byte[] expected = ImageFixtures.Array(entry, "expected_rgb", h, 3);
        var max = PixelComparison.MaxAbsDifference(image, expected, w, h, name);
        TestContext.Current.TestOutputHelper?.WriteLine($"{name}: max abs difference per channel (R, G, B) = ({string.Join(", ", max)})");
        if (max.Any(m => m > AllowedMaxAbsDifference))
            PixelComparison.AssertEqual(image, expected, w, h, $"{name} vs Pillow {ImageFixtures.Environment} (allowed {AllowedMaxAbsDifference})");
    }

    [Fact]
    public void Rgba_output_is_the_rgb_output_with_opaque_alpha()
    {
        byte[] file = ImageFixtures.Input(ImageFixtures.Entry("jpeg", "progressive_420"));
        var rgb = ImageCodecs.Decode(file, cancellationToken: TestContext.Current.CancellationToken);
        var rgba = ImageCodecs.Decode(file, ImageDecodeOptions.Default with { PixelFormat = ImagePixelFormat.Rgba32 }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(rgba.ToRgb24().Pixels.SequenceEqual(rgb.Pixels));
        for (int i = 3; i < rgba.Pixels.Length; i += 4)
            Assert.Equal(255, rgba.Pixels[i]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Exif_orientation_is_reported_and_applied_only_when_asked(int orientation)
    {
        byte[] file = ImageFixtures.Input(ImageFixtures.Entry("jpeg", $"exif_orientation_{orientation}"));
        var info = ImageCodecs.Identify(file);
        Assert.Equal((orientation, 40, 24), (info.Orientation, info.Width, info.Height));
        var upright = ImageCodecs.Decode(file, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(orientation >= 5 ? (24, 40) : (40, 24), (upright.Width, upright.Height));
        // The eight files differ only in the tag: stored pixels are those of orientation 1.
        var stored = ImageCodecs.Decode(file, ImageDecodeOptions.Default with { ApplyExifOrientation = false }, cancellationToken: TestContext.Current.CancellationToken);
        var reference = ImageCodecs.Decode(ImageFixtures.Input(ImageFixtures.Entry("jpeg", "exif_orientation_1")), cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(stored.Pixels.SequenceEqual(reference.Pixels));
    }

    [Theory]
    [InlineData("baseline_420", "JPEG baseline, YCbCr, sampling 4:2:0", 3)]
    [InlineData("progressive_422", "JPEG progressive, YCbCr, sampling 4:2:2", 3)]
    [InlineData("baseline_gray", "JPEG baseline, greyscale, sampling 1x1", 1)]
    [InlineData("sof1_quant16", "JPEG extended sequential, YCbCr, sampling 4:2:2", 3)]
    [InlineData("restart_420_every3", "JPEG baseline, YCbCr, sampling 4:2:0, restart interval 3", 3)]
    [InlineData("rgb_component_ids", "JPEG baseline, RGB, sampling 4:4:4", 3)]
    [InlineData("ycck_adobe_transform2", "JPEG baseline, YCCK, sampling 2x2 1x1 1x1 2x2", 4)]
    [InlineData("baseline_cmyk", "JPEG baseline, CMYK, sampling 1x1 1x1 1x1 1x1", 4)]
    public void Identify_describes_the_frame_without_decoding(string name, string detail, int channels)
    {
        var info = ImageCodecs.Identify(ImageFixtures.Input(ImageFixtures.Entry("jpeg", name)));
        Assert.Equal(ImageFileFormat.Jpeg, info.Format);
        Assert.Equal(detail, info.Detail);
        Assert.Equal(channels, info.Channels);
        Assert.Equal((61, 45, 8, false), (info.Width, info.Height, info.BitsPerSample, info.HasAlpha));
    }

    [Fact]
    public async Task Stream_file_and_span_inputs_decode_alike()
    {
        var entry = ImageFixtures.Entry("jpeg", "baseline_444");
        byte[] file = ImageFixtures.Input(entry);
        var fromSpan = ImageCodecs.Decode(file, cancellationToken: TestContext.Current.CancellationToken);
        var fromStream = ImageCodecs.Decode(new MemoryStream(file), cancellationToken: TestContext.Current.CancellationToken);
        var fromAsync = await ImageCodecs.DecodeAsync(new MemoryStream(file), cancellationToken: TestContext.Current.CancellationToken);
        var fromFile = ImageCodecs.DecodeFile(Path.Combine(ImageFixtures.Root, entry.GetProperty("file").GetString()!), cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(fromStream.Pixels.SequenceEqual(fromSpan.Pixels));
        Assert.True(fromAsync.Pixels.SequenceEqual(fromSpan.Pixels));
        Assert.True(fromFile.Pixels.SequenceEqual(fromSpan.Pixels));
        Assert.Equal(ImageFileFormat.Jpeg, ImageCodecs.DetectFormat(file));
    }
}
