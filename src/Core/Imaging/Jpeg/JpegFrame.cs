namespace DeepSeek.Sdk.Imaging.Jpeg;

/// <summary>The frame header (SOF, T.81 B.2.2) with the MCU geometry that follows from it (A.2).</summary>
internal sealed class JpegFrame
{
    public JpegFrame(int marker, int width, int height, JpegComponent[] components)
    {
        Marker = marker;
        Width = width;
        Height = height;
        Components = components;
        HMax = components.Max(c => c.H);
        VMax = components.Max(c => c.V);
        McusPerRow = (width + 8 * HMax - 1) / (8 * HMax);
        McuRows = (height + 8 * VMax - 1) / (8 * VMax);
    }

    /// <summary>SOF0 (baseline), SOF1 (extended sequential) or SOF2 (progressive), all Huffman-coded.</summary>
    public int Marker { get; }

    public bool Progressive => Marker == JpegMarkers.Sof2;

    public int Width { get; }

    public int Height { get; }

    public JpegComponent[] Components { get; }

    public int HMax { get; }

    public int VMax { get; }

    public int McusPerRow { get; }

    public int McuRows { get; }

    public void Allocate()
    {
        foreach (var c in Components)
            c.Allocate(Width, Height, HMax, VMax, McusPerRow, McuRows, Progressive);
    }

    /// <summary>"4:2:0"-style name for three-component frames whose chroma share one sampling, otherwise the factors.</summary>
    public string Sampling()
    {
        if (Components.Length == 3 && Components[1].H == Components[2].H && Components[1].V == Components[2].V
            && Components[1].H == 1 && Components[1].V == 1)
        {
            string? name = (Components[0].H, Components[0].V) switch
            {
                (1, 1) => "4:4:4",
                (2, 1) => "4:2:2",
                (2, 2) => "4:2:0",
                (1, 2) => "4:4:0",
                (4, 1) => "4:1:1",
                _ => null,
            };
            if (name is not null)
                return name;
        }
        return string.Join(" ", Components.Select(c => $"{c.H}x{c.V}"));
    }
}
