namespace DeepSeek.Sdk.Imaging.Jpeg;

/// <summary>What the markers before and between scans established: the frame, the tables in force, the restart
/// interval, and the APP0/APP1/APP14 facts that decide colour space and orientation.</summary>
internal sealed class JpegHeaders
{
    public JpegFrame? Frame { get; set; }

    /// <summary>Quantisation tables 0..3 in natural order, as last defined.</summary>
    public ushort[]?[] QuantTables { get; } = new ushort[4][];

    public JpegHuffmanTable?[] DcTables { get; } = new JpegHuffmanTable[4];

    public JpegHuffmanTable?[] AcTables { get; } = new JpegHuffmanTable[4];

    /// <summary>MCUs between restart markers (DRI), 0 for none.</summary>
    public int RestartInterval { get; set; }

    /// <summary>Exif orientation from the first Exif APP1 segment, 1 when absent.</summary>
    public int Orientation { get; set; } = 1;

    public bool SawExif { get; set; }

    public bool SawJfif { get; set; }

    /// <summary>The Adobe APP14 transform flag, -1 when there is no Adobe segment.</summary>
    public int AdobeTransform { get; set; } = -1;

    /// <summary>Scans decoded so far.</summary>
    public int Scans { get; set; }

    /// <summary>libjpeg-turbo jdapimin.c default_decompress_parms: JFIF means YCbCr; else an Adobe marker's
    /// transform flag (0 = RGB / CMYK, 1 = YCbCr, 2 = YCCK, others YCbCr / YCCK); else component ids 'R','G','B'
    /// mean RGB; else YCbCr, and four components without Adobe are CMYK.</summary>
    public JpegColorSpace ColorSpace()
    {
        var frame = Frame ?? throw new InvalidOperationException("no frame header read");
        var c = frame.Components;
        if (c.Length == 1)
            return JpegColorSpace.Gray;
        if (c.Length == 4)
        {
            if (AdobeTransform < 0)
                return JpegColorSpace.Cmyk;
            return AdobeTransform == 0 ? JpegColorSpace.Cmyk : JpegColorSpace.Ycck;
        }
        if (SawJfif)
            return JpegColorSpace.YCbCr;
        if (AdobeTransform >= 0)
            return AdobeTransform == 0 ? JpegColorSpace.Rgb : JpegColorSpace.YCbCr;
        return c[0].Id == 'R' && c[1].Id == 'G' && c[2].Id == 'B' ? JpegColorSpace.Rgb : JpegColorSpace.YCbCr;
    }

    public string ColorSpaceName() => ColorSpace() switch
    {
        JpegColorSpace.Gray => "greyscale",
        JpegColorSpace.YCbCr => "YCbCr",
        JpegColorSpace.Rgb => "RGB",
        JpegColorSpace.Cmyk => "CMYK",
        _ => "YCCK",
    };
}
