namespace DeepSeek.Sdk.Models.Shapes;

/// <summary>One picture of janus-pro-tiny's world (tools/train/shapes.py Scene): a <see cref="ShapeWorld.Shapes"/>
/// shape of one <see cref="ShapeWorld.Colours"/> colour on a background of another, centred in cell
/// <paramref name="Position"/> (row-major in a 3x3 grid, <see cref="ShapeWorld.Positions"/>) moved by the jitter, with
/// half-size <paramref name="Half"/> pixels.</summary>
public sealed record ShapeScene(int Shape, int Colour, int Background, int Position, int Half, int JitterX, int JitterY)
{
    public string ShapeName => ShapeWorld.Shapes[Shape];

    public string ColourName => ShapeWorld.Colours[Colour].Name;

    public string BackgroundName => ShapeWorld.Colours[Background].Name;

    public string PositionName => ShapeWorld.Positions[Position];

    public int CentreX => ShapeWorld.CellCentres[Position % 3] + JitterX;

    public int CentreY => ShapeWorld.CellCentres[Position / 3] + JitterY;

    /// <summary>The expected answer to a question of <paramref name="kind"/>.</summary>
    public string Answer(ShapeQuestionKind kind) => kind switch
    {
        ShapeQuestionKind.Shape => ShapeName,
        ShapeQuestionKind.Colour => ColourName,
        ShapeQuestionKind.Background => BackgroundName,
        ShapeQuestionKind.Position => PositionName,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a question kind."),
    };

    /// <summary>"a red circle at the top left on a blue background" (the answer to <see cref="ShapeWorld.DescribeQuestion"/>).</summary>
    public string Description() => $"a {ColourName} {ShapeName} {ShapeWorld.Where(Position)} on a {BackgroundName} background";

    /// <summary>The text-to-image prompt; without a position the model draws the shape in the center.</summary>
    public string Prompt(bool withPosition) =>
        withPosition ? Description() : $"a {ColourName} {ShapeName} on a {BackgroundName} background";

    /// <summary>The picture: RGB bytes, row-major, <see cref="ShapeWorld.Size"/> square.</summary>
    public byte[] Render()
    {
        int size = ShapeWorld.Size;
        var pixels = new byte[size * size * 3];
        var (fr, fg, fb) = ShapeWorld.Colours[Colour].Rgb;
        var (br, bg, bb) = ShapeWorld.Colours[Background].Rgb;
        int cx = CentreX, cy = CentreY, r = 2 * Half;
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                bool inside = ShapeWorld.Inside(Shape, 2 * x + 1 - 2 * cx, 2 * y + 1 - 2 * cy, r);
                int o = (y * size + x) * 3;
                pixels[o] = inside ? fr : br;
                pixels[o + 1] = inside ? fg : bg;
                pixels[o + 2] = inside ? fb : bb;
            }
        }
        return pixels;
    }
}
