namespace DeepSeek.Sdk.Models.Shapes;

/// <summary>One colour of the palette: its name in questions and answers, and its RGB value in pictures.</summary>
public sealed record ShapeColour(string Name, (byte R, byte G, byte B) Rgb);
