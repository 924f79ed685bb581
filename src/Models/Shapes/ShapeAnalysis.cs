namespace DeepSeek.Sdk.Models.Shapes;

/// <summary>What <see cref="ShapePixelAnalyzer"/> read from a picture: palette indices of the background and the shape
/// colour, the shape index (−1 when no shape of at least <see cref="ShapePixelAnalyzer.MinShapePixels"/> pixels was
/// found), and the fill of the shape's bounding box that decided it.</summary>
public sealed record ShapeAnalysis(int Background, int Colour, int Shape, double Fill)
{
    /// <summary>Whether the picture shows what <paramref name="scene"/> asks for: background, shape colour and shape.</summary>
    public bool Matches(ShapeScene scene)
    {
        ArgumentNullException.ThrowIfNull(scene);
        return Background == scene.Background && Colour == scene.Colour && Shape == scene.Shape;
    }

    public override string ToString()
    {
        string shape = Shape >= 0 ? ShapeWorld.Shapes[Shape] : "no shape";
        string colour = Colour >= 0 ? ShapeWorld.Colours[Colour].Name : "none";
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{colour} {shape} on {ShapeWorld.Colours[Background].Name} (fill {Fill:F2})");
    }
}
