namespace DeepSeek.Sdk.Tokenization;

/// <summary>A stretch [Start, End) of a pre-token and whether the split pattern matched it.</summary>
internal struct SplitEvent(int start, int end, bool isMatch)
{
    public int Start = start;
    public int End = end;
    public bool IsMatch = isMatch;
}
