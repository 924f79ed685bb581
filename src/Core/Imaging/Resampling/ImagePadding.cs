namespace DeepSeek.Sdk.Imaging.Resampling;

/// <summary>Padding and the resize-then-pad step of Janus-Pro's image preprocessing.</summary>
public static class ImagePadding
{
    /// <summary>A square canvas of side max(width, height) filled with the background colour, with
    /// <paramref name="image"/> pasted centred along the short axis at offset (max - short) / 2 rounded down, and
    /// flush along the long axis: deepseek-ai/Janus <c>expand2square</c> and transformers
    /// <c>JanusImageProcessor.pad_to_square</c>, which agree. Returns <paramref name="image"/> itself when it is
    /// already square. RGBA canvases get alpha 255.</summary>
    public static ImageBuffer ExpandToSquare(ImageBuffer image, byte red, byte green, byte blue)
    {
        ArgumentNullException.ThrowIfNull(image);
        int w = image.Width, h = image.Height, c = image.Channels;
        if (w == h)
            return image;
        int side = Math.Max(w, h);
        var result = new ImageBuffer(side, side, image.PixelFormat);
        var pixels = result.Pixels;
        for (int i = 0; i < pixels.Length; i += c)
        {
            pixels[i] = red;
            pixels[i + 1] = green;
            pixels[i + 2] = blue;
            if (c == 4)
                pixels[i + 3] = 255;
        }
        int x0 = w < side ? (side - w) / 2 : 0;
        int y0 = h < side ? (side - h) / 2 : 0;
        for (int y = 0; y < h; y++)
            image.GetRow(y).CopyTo(pixels.Slice(((y0 + y) * side + x0) * c, w * c));
        return result;
    }

    /// <summary>The size an image is resized to before padding: the long side becomes <paramref name="longSide"/>,
    /// the other keeps the aspect ratio (rounded per <paramref name="rounding"/>), and neither goes below
    /// <paramref name="minSide"/> (Janus: min_size = 14).</summary>
    public static (int Width, int Height) LongSideSize(int width, int height, int longSide, int minSide, LongSideRounding rounding)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(longSide);
        ArgumentOutOfRangeException.ThrowIfNegative(minSide);
        int max = Math.Max(width, height);
        return (Scale(width), Scale(height));

        int Scale(int side)
        {
            double scaled = rounding == LongSideRounding.Truncate
                ? (double)side / max * longSide                                       // int(side / max_size * image_size)
                : Math.Round(side * ((double)longSide / max), MidpointRounding.ToEven); // round(side * (target / max_size))
            return Math.Max((int)scaled, minSide);
        }
    }

    /// <summary>Janus-Pro's geometric preprocessing on an RGB image: Pillow bicubic resize to
    /// <see cref="LongSideSize"/>, then <see cref="ExpandToSquare"/> with the background colour (for Janus-Pro,
    /// image_mean 0.5 gives (127, 127, 127)). The result is <paramref name="longSide"/> square.</summary>
    public static ImageBuffer ResizeAndPadToSquare(
        ImageBuffer image, int longSide, int minSide, LongSideRounding rounding, byte red, byte green, byte blue)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (w, h) = LongSideSize(image.Width, image.Height, longSide, minSide, rounding);
        // Janus resizes through torchvision, which for PIL images calls Image.resize((w, h), BICUBIC) even when the
        // size is unchanged; Pillow then returns a copy, as Resize does.
        var resized = ImageResampler.Resize(image, w, h, ResamplingFilter.Bicubic);
        return ExpandToSquare(resized, red, green, blue);
    }
}
