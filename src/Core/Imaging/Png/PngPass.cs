namespace DeepSeek.Sdk.Imaging.Png;

/// <summary>One reduced image: its pixels land at (X0 + i DX, Y0 + j DY) for i &lt; Width, j &lt; Height.</summary>
internal readonly record struct PngPass(int X0, int Y0, int DX, int DY, int Width, int Height)
{
    public static PngPass Whole(int width, int height) => new(0, 0, 1, 1, width, height);

    public bool IsEmpty => Width == 0 || Height == 0;
}
