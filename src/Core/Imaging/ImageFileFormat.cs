namespace DeepSeek.Sdk.Imaging;

/// <summary>An encoded image format the SDK reads.</summary>
public enum ImageFileFormat
{
    /// <summary>Not recognised from the first bytes.</summary>
    Unknown = 0,

    /// <summary>Portable Network Graphics (ISO/IEC 15948, W3C PNG Specification, Second Edition).</summary>
    Png = 1,

    /// <summary>JPEG (ITU-T T.81) in a JFIF/Exif/Adobe container, Huffman-coded baseline, extended or progressive.</summary>
    Jpeg = 2,
}
