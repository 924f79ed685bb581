namespace DeepSeek.Sdk.Imaging.Png;

/// <summary>The seven passes of Adam7 interlacing (PNG Specification, section 8.2): each pass holds the pixels
/// at (XStart + i XStep, YStart + j YStep) as a reduced image with its own scanlines and filters.</summary>
internal static class Adam7
{
    private static ReadOnlySpan<byte> XStart => [0, 4, 0, 2, 0, 1, 0];
    private static ReadOnlySpan<byte> YStart => [0, 0, 4, 0, 2, 0, 1];
    private static ReadOnlySpan<byte> XStep => [8, 8, 4, 4, 2, 2, 1];
    private static ReadOnlySpan<byte> YStep => [8, 8, 8, 4, 4, 2, 2];

    public const int PassCount = 7;

    /// <summary>Geometry of pass <paramref name="pass"/> (0..6) of a <paramref name="width"/> x
    /// <paramref name="height"/> image; a pass with no pixels has zero width or height and no scanlines.</summary>
    public static PngPass Pass(int pass, int width, int height)
    {
        int x0 = XStart[pass], y0 = YStart[pass], dx = XStep[pass], dy = YStep[pass];
        int w = width > x0 ? (width - x0 + dx - 1) / dx : 0;
        int h = height > y0 ? (height - y0 + dy - 1) / dy : 0;
        return new PngPass(x0, y0, dx, dy, w, h);
    }
}
