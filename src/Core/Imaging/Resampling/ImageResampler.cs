namespace DeepSeek.Sdk.Imaging.Resampling;

/// <summary>Pillow's <c>Image.resize</c> for RGB images, reproduced to the bit: the convolution resampler of
/// src/libImaging/Resample.c. Per output pixel the filter is centred at <c>(i + 0.5) * scale</c> in the source;
/// when shrinking its support is widened by the scale (so downscaling antialiases, as
/// <c>torchvision.transforms.functional.resize(antialias=True)</c> asks for); weights are normalised to sum 1,
/// rounded to 22-bit fixed point, and the sums rounded half up and clamped to 0..255. The horizontal pass runs first
/// over the source rows the vertical pass will read, its 8-bit result feeds the vertical pass.</summary>
public static class ImageResampler
{
    private const int PrecisionBits = ResamplingCoefficients.PrecisionBits;

    /// <summary>Resizes <paramref name="image"/> (RGB) to <paramref name="width"/> x <paramref name="height"/> exactly
    /// as Pillow's <c>image.resize((width, height), filter)</c>. Returns a copy when the size is unchanged.</summary>
    public static ImageBuffer Resize(ImageBuffer image, int width, int height, ResamplingFilter filter = ResamplingFilter.Bicubic)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (image.PixelFormat != ImagePixelFormat.Rgb24)
            throw new ArgumentException(
                "Resize takes RGB images; Pillow resizes RGBA through premultiplied alpha, which this port does not reproduce. Convert with ToRgb24() first.",
                nameof(image));
        if (!Enum.IsDefined(filter))
            throw new ArgumentOutOfRangeException(nameof(filter), filter, "unknown filter");

        const int channels = 3;
        var vertical = ResamplingCoefficients.Compute(image.Height, height, filter);
        // Resample.c ImagingResampleInner: only the source rows the vertical pass reads go through the horizontal pass.
        int firstRow = vertical.Bounds[0];
        int lastRow = vertical.Bounds[2 * (height - 1)] + vertical.Bounds[2 * (height - 1) + 1];

        byte[] source = image.PixelArray;
        int sourceWidth = image.Width;
        int rows = image.Height;
        int rowOffset = 0;
        if (width != image.Width)
        {
            var horizontal = ResamplingCoefficients.Compute(image.Width, width, filter);
            rows = lastRow - firstRow;
            var temp = new byte[(long)rows * width * channels];
            for (int y = 0; y < rows; y++)
            {
                var src = source.AsSpan((y + firstRow) * sourceWidth * channels, sourceWidth * channels);
                var dst = temp.AsSpan(y * width * channels, width * channels);
                for (int x = 0; x < width; x++)
                {
                    int start = horizontal.Bounds[2 * x], count = horizontal.Bounds[2 * x + 1];
                    var k = horizontal.Weights.AsSpan(x * horizontal.KernelSize, count);
                    int s0 = 1 << (PrecisionBits - 1), s1 = s0, s2 = s0;
                    var window = src.Slice(start * channels, count * channels);
                    for (int i = 0, j = 0; i < k.Length; i++, j += channels)
                    {
                        s0 += window[j] * k[i];
                        s1 += window[j + 1] * k[i];
                        s2 += window[j + 2] * k[i];
                    }
                    dst[x * channels] = Clip8(s0);
                    dst[x * channels + 1] = Clip8(s1);
                    dst[x * channels + 2] = Clip8(s2);
                }
            }
            source = temp;
            sourceWidth = width;
            rowOffset = firstRow;
        }

        if (height == image.Height)
            return ImageBuffer.FromPixels(source.AsSpan(0, width * height * channels), width, height, ImagePixelFormat.Rgb24);

        var result = new ImageBuffer(width, height, ImagePixelFormat.Rgb24);
        var output = result.PixelArray;
        int rowBytes = width * channels;
        for (int y = 0; y < height; y++)
        {
            int start = vertical.Bounds[2 * y] - rowOffset, count = vertical.Bounds[2 * y + 1];
            var k = vertical.Weights.AsSpan(y * vertical.KernelSize, count);
            var dst = output.AsSpan(y * rowBytes, rowBytes);
            for (int x = 0; x < rowBytes; x++)
            {
                int sum = 1 << (PrecisionBits - 1);
                int at = start * rowBytes + x;
                for (int i = 0; i < k.Length; i++, at += rowBytes)
                    sum += source[at] * k[i];
                dst[x] = Clip8(sum);
            }
        }
        return result;
    }

    /// <summary>Resample.c clip8: the sum carries <see cref="PrecisionBits"/> fraction bits (with the half already
    /// added); shift them out and clamp.</summary>
    private static byte Clip8(int sum)
    {
        int v = sum >> PrecisionBits;
        return v < 0 ? (byte)0 : v > 255 ? (byte)255 : (byte)v;
    }
}
