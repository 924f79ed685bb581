namespace DeepSeek.Sdk.Imaging.Resampling;

/// <summary>Pillow's <c>Image.resize</c> for RGB images, reproduced to the bit: the convolution resampler of
/// src/libImaging/Resample.c. Per output pixel the filter is centred at <c>(i + 0.5) * scale</c> in the source;
/// when shrinking its support is widened by the scale (so downscaling antialiases, as
/// <c>torchvision.transforms.functional.resize(antialias=True)</c> asks for); weights are normalised to sum 1,
/// rounded to 22-bit fixed point, and the sums rounded half up and clamped to 0..255. The horizontal pass runs first
/// over the source rows the vertical pass will read, its 8-bit result feeds the vertical pass.</summary>
public static class ImageResampler
{
    // Resample.c: "8 bits for result. Filter can have negative areas ... two extra bits for overflow and int type."
    private const int PrecisionBits = 32 - 8 - 2;

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
        var vertical = Coefficients.Compute(image.Height, height, filter);
        // Resample.c ImagingResampleInner: only the source rows the vertical pass reads go through the horizontal pass.
        int firstRow = vertical.Bounds[0];
        int lastRow = vertical.Bounds[2 * (height - 1)] + vertical.Bounds[2 * (height - 1) + 1];

        byte[] source = image.PixelArray;
        int sourceWidth = image.Width;
        int rows = image.Height;
        int rowOffset = 0;
        if (width != image.Width)
        {
            var horizontal = Coefficients.Compute(image.Width, width, filter);
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

    /// <summary>Resample.c precompute_coeffs + normalize_coeffs_8bpc for one axis.</summary>
    private sealed class Coefficients
    {
        private Coefficients(int kernelSize, int[] bounds, int[] weights)
        {
            KernelSize = kernelSize;
            Bounds = bounds;
            Weights = weights;
        }

        public int KernelSize { get; }

        /// <summary>Per output pixel: first source index, number of source pixels.</summary>
        public int[] Bounds { get; }

        /// <summary><see cref="KernelSize"/> fixed-point weights per output pixel.</summary>
        public int[] Weights { get; }

        public static Coefficients Compute(int inSize, int outSize, ResamplingFilter filter)
        {
            double support = Support(filter);
            double scale = (double)inSize / outSize;
            double filterScale = Math.Max(scale, 1.0);
            support *= filterScale;
            int kernelSize = (int)Math.Ceiling(support) * 2 + 1;
            var bounds = new int[outSize * 2];
            var weights = new int[(long)outSize * kernelSize];
            var w = new double[kernelSize];
            double inverseScale = 1.0 / filterScale;
            for (int xx = 0; xx < outSize; xx++)
            {
                double center = (xx + 0.5) * scale;
                // C's (int) truncates toward zero, as does the cast here; the +0.5 rounds the window ends.
                int xmin = Math.Max((int)(center - support + 0.5), 0);
                int xmax = Math.Min((int)(center + support + 0.5), inSize) - xmin;
                double total = 0;
                for (int x = 0; x < xmax; x++)
                {
                    w[x] = Evaluate(filter, (x + xmin - center + 0.5) * inverseScale);
                    total += w[x];
                }
                for (int x = 0; x < xmax; x++)
                {
                    double normalised = total != 0.0 ? w[x] / total : w[x];
                    // normalize_coeffs_8bpc rounds half away from zero.
                    weights[xx * kernelSize + x] = normalised < 0
                        ? (int)(-0.5 + normalised * (1 << PrecisionBits))
                        : (int)(0.5 + normalised * (1 << PrecisionBits));
                }
                bounds[2 * xx] = xmin;
                bounds[2 * xx + 1] = xmax;
            }
            return new Coefficients(kernelSize, bounds, weights);
        }

        private static double Support(ResamplingFilter filter) => filter switch
        {
            ResamplingFilter.Box => 0.5,
            ResamplingFilter.Bilinear or ResamplingFilter.Hamming => 1.0,
            ResamplingFilter.Bicubic => 2.0,
            _ => 3.0,
        };

        private static double Evaluate(ResamplingFilter filter, double x)
        {
            switch (filter)
            {
                case ResamplingFilter.Box:
                    return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
                case ResamplingFilter.Bilinear:
                    x = Math.Abs(x);
                    return x < 1.0 ? 1.0 - x : 0.0;
                case ResamplingFilter.Hamming:
                    x = Math.Abs(x);
                    if (x == 0.0)
                        return 1.0;
                    if (x >= 1.0)
                        return 0.0;
                    x *= Math.PI;
                    // Resample.c writes the window constants as float literals (0.54f, 0.46f).
                    return Math.Sin(x) / x * ((double)0.54f + (double)0.46f * Math.Cos(x));
                case ResamplingFilter.Bicubic:
                    const double a = -0.5;
                    x = Math.Abs(x);
                    if (x < 1.0)
                        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
                    if (x < 2.0)
                        return (((x - 5) * x + 8) * x - 4) * a;
                    return 0.0;
                default:
                    return x >= -3.0 && x < 3.0 ? Sinc(x) * Sinc(x / 3) : 0.0;
            }
        }

        private static double Sinc(double x)
        {
            if (x == 0.0)
                return 1.0;
            x *= Math.PI;
            return Math.Sin(x) / x;
        }
    }
}
