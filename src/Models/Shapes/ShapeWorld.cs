namespace DeepSeek.Sdk.Models.Shapes;

/// <summary>
/// The coloured-shapes world janus-pro-tiny was trained and is evaluated on, ported from tools/train/shapes.py draw
/// for draw: the same <see cref="Tasks.PythonRandom"/> seed gives the same scenes, pixels, questions and prompts.
/// Pictures are 64x64; a shape's half-size is 7..9 pixels, its centre a 3x3 grid cell's centre (11, 32, 53) moved by
/// -2..2 pixels per axis; inside-tests use integer arithmetic on doubled coordinates so every language draws alike.
/// </summary>
public static class ShapeWorld
{
    public const int Size = 64;
    public const int Center = 4;
    public const int MinHalf = 7, MaxHalf = 9, Jitter = 2;

    public static readonly IReadOnlyList<string> Shapes = ["circle", "square", "triangle"];

    public static readonly IReadOnlyList<ShapeColour> Colours =
    [
        new("red", (220, 40, 40)),
        new("green", (40, 170, 60)),
        new("blue", (40, 80, 220)),
        new("yellow", (240, 210, 40)),
        new("white", (240, 240, 240)),
        new("black", (20, 20, 20)),
    ];

    public static readonly IReadOnlyList<string> Positions =
        ["top left", "top", "top right", "left", "center", "right", "bottom left", "bottom", "bottom right"];

    public static readonly IReadOnlyList<int> CellCentres = [11, 32, 53];

    /// <summary>The questions, one per <see cref="ShapeQuestionKind"/>, worded as in training.</summary>
    public static readonly IReadOnlyList<(ShapeQuestionKind Kind, string Text)> Questions =
    [
        (ShapeQuestionKind.Shape, "What shape is in the image?"),
        (ShapeQuestionKind.Colour, "What colour is the shape?"),
        (ShapeQuestionKind.Background, "What colour is the background?"),
        (ShapeQuestionKind.Position, "Where is the shape?"),
    ];

    public const string DescribeQuestion = "Describe the image.";

    /// <summary>The split of a tuple (shapes.split_of): with index = ((shape · 6 + colour) · 6 + background) · 9 + position,
    /// validation when index · 7919 mod 13 = 5 (62 tuples, 7 in the center, at most one position per triple), test when
    /// it is 8 (63 tuples, 8 in the center), train otherwise (685). A prompt without a position means the center, so the
    /// short prompts of validation and test center tuples are never seen in training either.</summary>
    public static ShapeSplit SplitOf(int shape, int colour, int background, int position) =>
        ((((shape * 6 + colour) * 6 + background) * 9 + position) * 7919 % 13) switch
        {
            ValidationResidue => ShapeSplit.Validation,
            TestResidue => ShapeSplit.Test,
            _ => ShapeSplit.Train,
        };

    /// <summary>Never shown in training: the tuple is in the validation or the test split.</summary>
    public static bool IsHeldOut(int shape, int colour, int background, int position) =>
        SplitOf(shape, colour, background, position) != ShapeSplit.Train;

    /// <summary>The (shape, colour, background, position) tuples of a split, in shapes.tuples' order.</summary>
    public static IReadOnlyList<(int Shape, int Colour, int Background, int Position)> Tuples(ShapeSplit split)
    {
        var tuples = new List<(int, int, int, int)>();
        for (int s = 0; s < Shapes.Count; s++)
            for (int c = 0; c < Colours.Count; c++)
                for (int b = 0; b < Colours.Count; b++)
                    for (int p = 0; p < Positions.Count; p++)
                        if (c != b && SplitOf(s, c, b, p) == split) tuples.Add((s, c, b, p));
        return tuples;
    }

    private const int ValidationResidue = 5, TestResidue = 8;

    /// <summary>"in the center", else "at the top left" and so on.</summary>
    public static string Where(int position) => position == Center ? $"in the {Positions[position]}" : $"at the {Positions[position]}";

    /// <summary>Whether the doubled offset (dx, dy) from the centre is inside the shape of doubled half-size r
    /// (the triangle points up, its base the square's bottom edge).</summary>
    public static bool Inside(int shape, int dx, int dy, int r) => shape switch
    {
        0 => dx * dx + dy * dy <= r * r,
        1 => Math.Abs(dx) <= r && Math.Abs(dy) <= r,
        _ => dy >= -r && dy <= r && 2 * Math.Abs(dx) <= dy + r,
    };

    /// <summary>shapes.sample_scene: shape, colour, background (≠ colour), position, half-size, jitter x, jitter y.</summary>
    public static ShapeScene SampleScene(Tasks.PythonRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        int shape = random.RandBelow(3);
        int colour = random.RandBelow(6);
        int background = random.RandBelow(5);
        if (background >= colour) background++;
        int position = random.RandBelow(9);
        int half = random.RandInt(MinHalf, MaxHalf);
        int jx = random.RandInt(-Jitter, Jitter);
        int jy = random.RandInt(-Jitter, Jitter);
        return new ShapeScene(shape, colour, background, position, half, jx, jy);
    }

    /// <summary>shapes.sample_eval: <paramref name="count"/> scenes whose tuple is in <paramref name="split"/>, by rejection;
    /// <paramref name="centred"/> first moves each to the center cell (the short generation prompts name no position).</summary>
    public static IReadOnlyList<ShapeScene> SampleEvaluation(Tasks.PythonRandom random, int count, ShapeSplit split, bool centred = false)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (!Enum.IsDefined(split)) throw new ArgumentOutOfRangeException(nameof(split), split, "Not a split.");
        var scenes = new List<ShapeScene>(count);
        while (scenes.Count < count)
        {
            var s = SampleScene(random);
            if (centred) s = s with { Position = Center };
            if (SplitOf(s.Shape, s.Colour, s.Background, s.Position) != split) continue;
            scenes.Add(s);
        }
        return scenes;
    }

    /// <summary>The seed text of an evaluation suite ("understanding", "generation"): random.Random("{seed}-eval-{suite}").</summary>
    public static string EvaluationSeed(long seed, string suite) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{seed}-eval-{suite}");
}
