namespace DeepSeek.Sdk.Imaging.Jpeg;

/// <summary>Marker codes (the byte after 0xFF), T.81 Table B.1.</summary>
internal static class JpegMarkers
{
    public const int Sof0 = 0xC0;
    public const int Sof1 = 0xC1;
    public const int Sof2 = 0xC2;
    public const int Dht = 0xC4;
    public const int Rst0 = 0xD0;
    public const int Rst7 = 0xD7;
    public const int Soi = 0xD8;
    public const int Eoi = 0xD9;
    public const int Sos = 0xDA;
    public const int Dqt = 0xDB;
    public const int Dnl = 0xDC;
    public const int Dri = 0xDD;
    public const int App0 = 0xE0;
    public const int App1 = 0xE1;
    public const int App14 = 0xEE;
    public const int App15 = 0xEF;
    public const int Com = 0xFE;
    public const int Tem = 0x01;

    /// <summary>Markers of JPEG processes the decoder does not implement (SOF of other processes, arithmetic-coding
    /// conditioning, hierarchical mode), with what they mean.</summary>
    public static string? Unsupported(int marker) => marker switch
    {
        0xC3 => "lossless (SOF3)",
        0xC5 => "differential sequential (SOF5)",
        0xC6 => "differential progressive (SOF6)",
        0xC7 => "differential lossless (SOF7)",
        0xC9 => "arithmetic-coded sequential (SOF9)",
        0xCA => "arithmetic-coded progressive (SOF10)",
        0xCB => "arithmetic-coded lossless (SOF11)",
        0xCD => "arithmetic-coded differential sequential (SOF13)",
        0xCE => "arithmetic-coded differential progressive (SOF14)",
        0xCF => "arithmetic-coded differential lossless (SOF15)",
        0xCC => "arithmetic-coded (DAC conditioning table)",
        0xDE => "hierarchical (DHP)",
        0xDF => "hierarchical (EXP)",
        _ => null,
    };
}
