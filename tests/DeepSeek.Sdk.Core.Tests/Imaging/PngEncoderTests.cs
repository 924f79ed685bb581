using System.IO.Compression;
using DeepSeek.Sdk.Imaging;

namespace DeepSeek.Sdk.Core.Tests.Imaging;

/// <summary>PNG writing: what we write reads back bit for bit, through our decoder and through the chunk rules.</summary>
public sealed class PngEncoderTests
{
    [Theory]
    [InlineData(ImagePixelFormat.Rgb24, true)]
    [InlineData(ImagePixelFormat.Rgba32, true)]
    [InlineData(ImagePixelFormat.Rgb24, false)]
    public void Write_then_read_round_trips_exactly(ImagePixelFormat format, bool adaptive)
    {
        var source = RandomImage(53, 31, format, seed: 7);
        byte[] png = ImageCodecs.EncodePng(source, new PngEncodeOptions { AdaptiveFilter = adaptive });
        var info = ImageCodecs.Identify(png);
        Assert.Equal((ImageFileFormat.Png, 53, 31, 8), (info.Format, info.Width, info.Height, info.BitsPerSample));
        Assert.Equal(format == ImagePixelFormat.Rgba32, info.HasAlpha);
        var decoded = ImageCodecs.Decode(png, ImageDecodeOptions.Default with { PixelFormat = format }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(decoded.Pixels.SequenceEqual(source.Pixels));
    }

    [Fact]
    public void Adaptive_filtering_shrinks_a_smooth_image()
    {
        var smooth = new ImageBuffer(128, 64, ImagePixelFormat.Rgb24);
        for (int y = 0; y < 64; y++)
        {
            var row = smooth.GetRow(y);
            for (int x = 0; x < 128; x++)
            {
                row[3 * x] = (byte)(x * 2);
                row[3 * x + 1] = (byte)(y * 3 + x);
                row[3 * x + 2] = (byte)(x + y);
            }
        }
        int filtered = ImageCodecs.EncodePng(smooth).Length;
        int unfiltered = ImageCodecs.EncodePng(smooth, new PngEncodeOptions { AdaptiveFilter = false }).Length;
        Assert.True(filtered < unfiltered, $"adaptive {filtered} bytes, unfiltered {unfiltered}");
    }

    [Fact]
    public void Pillow_reference_pixels_survive_a_write_read_cycle()
    {
        var entry = ImageFixtures.Entry("png", "pillow_rgba");
        var image = ImageCodecs.Decode(ImageFixtures.Input(entry), ImageDecodeOptions.Default with { PixelFormat = ImagePixelFormat.Rgba32 }, cancellationToken: TestContext.Current.CancellationToken);
        using var stream = new MemoryStream();
        ImageCodecs.EncodePng(image, stream, new PngEncodeOptions { CompressionLevel = CompressionLevel.Fastest });
        var again = ImageCodecs.Decode(stream.ToArray(), ImageDecodeOptions.Default with { PixelFormat = ImagePixelFormat.Rgba32 }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(again.Pixels.SequenceEqual(image.Pixels));
    }

    [Fact]
    public void Raw_rgb_in_and_out_keeps_the_bytes()
    {
        var source = RandomImage(7, 5, ImagePixelFormat.Rgb24, seed: 3);
        byte[] raw = ImageCodecs.ToRgb24(source);
        Assert.True(raw.AsSpan().SequenceEqual(source.Pixels));
        var again = ImageCodecs.FromRgb24(raw, 7, 5);
        Assert.True(again.Pixels.SequenceEqual(source.Pixels));
        Assert.Throws<ArgumentException>(() => ImageCodecs.FromRgb24(raw.AsSpan(1), 7, 5));
        var rgba = source.ToRgba32();
        Assert.True(ImageCodecs.ToRgb24(rgba).AsSpan().SequenceEqual(source.Pixels));
        Assert.All(Enumerable.Range(0, 35), i => Assert.Equal(255, rgba.Pixels[4 * i + 3]));
    }

    internal static ImageBuffer RandomImage(int width, int height, ImagePixelFormat format, int seed)
    {
        var image = new ImageBuffer(width, height, format);
        var random = new Random(seed);
        random.NextBytes(image.Pixels);
        // Half the rows smooth, so every filter type wins somewhere.
        for (int y = 0; y < height / 2; y++)
        {
            var row = image.GetRow(y);
            for (int i = 0; i < row.Length; i++)
                row[i] = (byte)(i + y);
        }
        return image;
    }
}
