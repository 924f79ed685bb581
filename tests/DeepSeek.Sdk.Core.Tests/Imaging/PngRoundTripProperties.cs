using System.IO.Compression;
using CsCheck;
using DeepSeek.Sdk.Imaging;

namespace DeepSeek.Sdk.Core.Tests.Imaging;

/// <summary>PNG is lossless: whatever image the encoder writes (any size, RGB or RGBA, any filter and compression
/// choice), the decoder reads back the same pixels; read in the other pixel format, RGB gains an opaque alpha and RGBA
/// drops its alpha (Pillow's convert). Checked with CsCheck over random images, smooth and noisy.</summary>
public sealed class PngRoundTripProperties
{
    private const int Iterations = 60;

    private static readonly Gen<ImageBuffer> s_image =
        Gen.Select(Gen.Int[1, 48], Gen.Int[1, 48], Gen.Enum<ImagePixelFormat>(), Gen.Bool, Gen.UInt)
            .Select((width, height, format, smooth, seed) => Image(width, height, format, smooth, seed));

    private static readonly Gen<PngEncodeOptions> s_options =
        Gen.Select(Gen.Enum<CompressionLevel>(), Gen.Bool).Select((level, adaptive) => new PngEncodeOptions { CompressionLevel = level, AdaptiveFilter = adaptive });

    [Fact]
    public void Decoding_an_encoded_image_restores_its_pixels()
    {
        Gen.Select(s_image, s_options).Sample((image, options) =>
        {
            byte[] png = ImageCodecs.EncodePng(image, options);
            var info = ImageCodecs.Identify(png);
            Assert.Equal((ImageFileFormat.Png, image.Width, image.Height, 8), (info.Format, info.Width, info.Height, info.BitsPerSample));
            Assert.Equal(image.PixelFormat == ImagePixelFormat.Rgba32, info.HasAlpha);

            var same = ImageCodecs.Decode(png, ImageDecodeOptions.Default with { PixelFormat = image.PixelFormat }, TestContext.Current.CancellationToken);
            Assert.True(same.Pixels.SequenceEqual(image.Pixels), $"{image.Width}x{image.Height} {image.PixelFormat} {options}");

            var other = image.PixelFormat == ImagePixelFormat.Rgb24 ? ImagePixelFormat.Rgba32 : ImagePixelFormat.Rgb24;
            var converted = ImageCodecs.Decode(png, ImageDecodeOptions.Default with { PixelFormat = other }, TestContext.Current.CancellationToken);
            var expected = other == ImagePixelFormat.Rgba32 ? image.ToRgba32() : image.ToRgb24();
            Assert.True(converted.Pixels.SequenceEqual(expected.Pixels), $"{image.Width}x{image.Height} {image.PixelFormat} read as {other}");
        }, iter: Iterations, threads: 1, print: p => $"{p.Item1.Width}x{p.Item1.Height} {p.Item1.PixelFormat}, {p.Item2}");
    }

    /// <summary>Noise defeats every filter; gradients with a random step make each filter type win somewhere.</summary>
    private static ImageBuffer Image(int width, int height, ImagePixelFormat format, bool smooth, uint seed)
    {
        var image = new ImageBuffer(width, height, format);
        var random = new Random((int)seed);
        if (!smooth)
        {
            random.NextBytes(image.Pixels);
            return image;
        }
        int channels = image.Channels;
        int stepX = random.Next(0, 9), stepY = random.Next(0, 9);
        for (int y = 0; y < height; y++)
        {
            var row = image.GetRow(y);
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                    row[x * channels + c] = (byte)(x * stepX + y * stepY + c * 40);
        }
        return image;
    }
}
