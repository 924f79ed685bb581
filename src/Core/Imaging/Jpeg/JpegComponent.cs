namespace DeepSeek.Sdk.Imaging.Jpeg;

/// <summary>One colour component of a frame (T.81 B.2.2) and its quantised DCT coefficients. Coefficients are kept
/// for the whole image, in natural (row-major) order, 64 per block, blocks row by row over the MCU-padded grid, so
/// baseline, multi-scan and progressive files decode the same way.</summary>
internal sealed class JpegComponent
{
    public JpegComponent(int index, int id, int h, int v, int quantTable)
    {
        Index = index;
        Id = id;
        H = h;
        V = v;
        QuantTable = quantTable;
    }

    /// <summary>Position in the frame header (0-based).</summary>
    public int Index { get; }

    /// <summary>Component identifier C_i from SOF, which scans refer to.</summary>
    public int Id { get; }

    /// <summary>Horizontal sampling factor H_i (1..4).</summary>
    public int H { get; }

    /// <summary>Vertical sampling factor V_i (1..4).</summary>
    public int V { get; }

    /// <summary>Quantisation table selector Tq_i (0..3).</summary>
    public int QuantTable { get; }

    /// <summary>Samples per row: ceil(X * H_i / Hmax) (T.81 A.1.1; libjpeg downsampled_width).</summary>
    public int Width { get; private set; }

    /// <summary>Rows: ceil(Y * V_i / Vmax) (libjpeg downsampled_height).</summary>
    public int Height { get; private set; }

    /// <summary>Blocks per row that hold samples: ceil(Width / 8); a scan of this component alone covers these.</summary>
    public int WidthInBlocks => (Width + 7) / 8;

    public int HeightInBlocks => (Height + 7) / 8;

    /// <summary>Blocks per row of storage: whole MCUs (McusPerRow * H_i), what interleaved scans cover.</summary>
    public int BlocksPerLine { get; private set; }

    public int BlocksPerColumn { get; private set; }

    public short[] Coefficients { get; private set; } = [];

    /// <summary>Progressive frames only: per block, bit k set exactly when the AC coefficient at zig-zag position k
    /// (1..63) is nonzero. An AC refinement scan inside an end-of-band run reads one correction bit per nonzero
    /// coefficient of its band and nothing else, so with these masks it visits only those coefficients and skips
    /// blocks without any: its work follows its data instead of the image size (G.1.2.3).</summary>
    public ulong[] NonzeroAc { get; private set; } = [];

    /// <summary>The quantisation table in force at the first scan of this component, natural order; libjpeg latches
    /// it there (jdinput.c latch_quant_tables), so a later DQT redefinition does not apply.</summary>
    public ushort[]? Quantization { get; set; }

    /// <summary>DC predictor of the current scan (T.81 F.2.1.3.1).</summary>
    public int DcPredictor { get; set; }

    public int DcTable { get; set; }

    public int AcTable { get; set; }

    public void Allocate(int imageWidth, int imageHeight, int hMax, int vMax, int mcusPerRow, int mcuRows, bool progressive)
    {
        Width = (int)(((long)imageWidth * H + hMax - 1) / hMax);
        Height = (int)(((long)imageHeight * V + vMax - 1) / vMax);
        BlocksPerLine = mcusPerRow * H;
        BlocksPerColumn = mcuRows * V;
        Coefficients = new short[(long)BlocksPerLine * BlocksPerColumn * 64];
        if (progressive)
            NonzeroAc = new ulong[(long)BlocksPerLine * BlocksPerColumn];
    }

    /// <summary>Index of block (row, column) in the storage grid.</summary>
    public int BlockIndex(int row, int column) => row * BlocksPerLine + column;

    /// <summary>Index of the first coefficient of block (row, column).</summary>
    public int BlockOffset(int row, int column) => (row * BlocksPerLine + column) * 64;
}
