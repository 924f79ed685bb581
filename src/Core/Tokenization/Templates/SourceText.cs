namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>Template source with its name and a line table, to turn offsets into line and column.</summary>
internal sealed class SourceText
{
    private readonly int[] _lineStarts;

    public SourceText(string text, string name)
    {
        Text = text;
        Name = name;
        var starts = new List<int> { 0 };
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                starts.Add(i + 1);
            }
        }
        _lineStarts = starts.ToArray();
    }

    public string Text { get; }

    public string Name { get; }

    public (int Line, int Column) Locate(int offset)
    {
        int index = Array.BinarySearch(_lineStarts, offset);
        int line = index >= 0 ? index : ~index - 1;
        return (line + 1, offset - _lineStarts[line] + 1);
    }

    public TemplateSyntaxException SyntaxError(int offset, string reason)
    {
        var (line, column) = Locate(offset);
        return new TemplateSyntaxException(Name, line, column, reason);
    }
}
