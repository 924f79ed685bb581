using DeepSeek.Sdk.Imaging;

namespace DeepSeek.Sdk.Vision.Janus;

/// <summary>Decoded VQ pixels (channels-last, about [-1, 1]) as an 8-bit RGB image: clamp to [-1, 1], map to
/// 0..255 and round half to even, as the reference fixture's <c>((x.clamp(-1, 1) + 1) / 2 · 255).round()</c>. (The
/// release's generation_inference.py truncates with astype(uint8) instead, at most one level darker.)</summary>
public static class JanusImageOutput
{
    public static ImageBuffer ToImage(ReadOnlySpan<float> pixels, int width, int height)
    {
        if (pixels.Length != width * height * 3)
            throw new ArgumentException($"A {width}x{height} RGB image has {width * height * 3} values, got {pixels.Length}.", nameof(pixels));
        var image = new ImageBuffer(width, height, ImagePixelFormat.Rgb24);
        var bytes = image.Pixels;
        for (int i = 0; i < bytes.Length; i++)
        {
            double v = Math.Clamp((double)pixels[i], -1.0, 1.0);
            bytes[i] = (byte)Math.Round((v + 1) / 2 * 255, MidpointRounding.ToEven);
        }
        return image;
    }
}
