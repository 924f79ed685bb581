namespace DeepSeek.Sdk.Imaging;

/// <summary>What an image header says, read without decoding pixels.</summary>
/// <param name="Format">The file format.</param>
/// <param name="Width">Stored width in pixels (before any Exif orientation).</param>
/// <param name="Height">Stored height in pixels (before any Exif orientation).</param>
/// <param name="Channels">Colour channels stored: 1 (grey), 2 (grey + alpha), 3 (colour), 4 (colour + alpha, or CMYK).</param>
/// <param name="BitsPerSample">Bits per stored sample: 1, 2, 4, 8 or 16 (palette images: bits per index).</param>
/// <param name="HasAlpha">An alpha channel or a tRNS transparency entry is present.</param>
/// <param name="Orientation">Exif orientation 1..8 (1 = upright), 1 when absent.</param>
/// <param name="Detail">Format-specific description, e.g. "PNG colour type 3, interlaced" or "JPEG progressive, 4:2:0".</param>
public sealed record ImageInfo(
    ImageFileFormat Format,
    int Width,
    int Height,
    int Channels,
    int BitsPerSample,
    bool HasAlpha,
    int Orientation,
    string Detail);
