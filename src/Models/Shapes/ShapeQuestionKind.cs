namespace DeepSeek.Sdk.Models.Shapes;

/// <summary>What an understanding question asks (shapes.py QUESTIONS, in its order).</summary>
public enum ShapeQuestionKind
{
    Shape,
    Colour,
    Background,
    Position,
}
