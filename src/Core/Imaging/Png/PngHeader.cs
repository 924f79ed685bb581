using System.Buffers.Binary;

namespace DeepSeek.Sdk.Imaging.Png;

/// <summary>The IHDR chunk (PNG Specification, section 11.2.2): size, colour type, bit depth, interlace method.</summary>
internal readonly record struct PngHeader(int Width, int Height, int BitDepth, int ColorType, bool Interlaced)
{
    public const int Length = 13;

    public const int Grayscale = 0;
    public const int TrueColor = 2;
    public const int Indexed = 3;
    public const int GrayscaleAlpha = 4;
    public const int TrueColorAlpha = 6;

    /// <summary>Samples per pixel (an index counts as one).</summary>
    public int Channels => ColorType switch
    {
        TrueColor => 3,
        GrayscaleAlpha => 2,
        TrueColorAlpha => 4,
        _ => 1,
    };

    public int BitsPerPixel => Channels * BitDepth;

    /// <summary>The filter unit: bytes per complete pixel, rounded up to one (section 9.2, "bpp").</summary>
    public int FilterStride => Math.Max(1, BitsPerPixel / 8);

    public bool HasAlphaChannel => ColorType is GrayscaleAlpha or TrueColorAlpha;

    /// <summary>Bytes of one filtered scanline of <paramref name="width"/> pixels, without the filter-type byte.</summary>
    public long RowBytes(int width) => ((long)width * BitsPerPixel + 7) / 8;

    public string Describe() =>
        $"colour type {ColorType} ({ColorTypeName(ColorType)}), {BitDepth}-bit{(Interlaced ? ", Adam7 interlaced" : "")}";

    /// <summary>Reads and validates the 13 IHDR bytes at <paramref name="offset"/> in the file.</summary>
    public static PngHeader Parse(ReadOnlySpan<byte> data, long offset)
    {
        if (data.Length != Length)
            throw Error($"IHDR chunk is {data.Length} bytes, expected {Length}", offset);
        uint width = BinaryPrimitives.ReadUInt32BigEndian(data);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        int bitDepth = data[8], colorType = data[9], compression = data[10], filter = data[11], interlace = data[12];
        // Section 11.2.2: width and height are 1 .. 2^31 - 1.
        if (width == 0 || width > int.MaxValue)
            throw Error($"IHDR width {width} is outside 1..2147483647", offset);
        if (height == 0 || height > int.MaxValue)
            throw Error($"IHDR height {height} is outside 1..2147483647", offset);
        bool depthAllowed = colorType switch
        {
            Grayscale => bitDepth is 1 or 2 or 4 or 8 or 16,
            Indexed => bitDepth is 1 or 2 or 4 or 8,
            TrueColor or GrayscaleAlpha or TrueColorAlpha => bitDepth is 8 or 16,
            _ => throw Error($"IHDR colour type {colorType} is not one of 0, 2, 3, 4, 6", offset),
        };
        if (!depthAllowed)
            throw Error($"IHDR bit depth {bitDepth} is not allowed for colour type {colorType} ({ColorTypeName(colorType)})", offset);
        if (compression != 0)
            throw Error($"IHDR compression method {compression} is not 0 (deflate)", offset);
        if (filter != 0)
            throw Error($"IHDR filter method {filter} is not 0 (adaptive)", offset);
        if (interlace > 1)
            throw Error($"IHDR interlace method {interlace} is not 0 (none) or 1 (Adam7)", offset);
        return new PngHeader((int)width, (int)height, bitDepth, colorType, interlace == 1);
    }

    private static string ColorTypeName(int colorType) => colorType switch
    {
        Grayscale => "greyscale",
        TrueColor => "truecolour",
        Indexed => "indexed-colour",
        GrayscaleAlpha => "greyscale with alpha",
        TrueColorAlpha => "truecolour with alpha",
        _ => "unknown",
    };

    private static ImageFormatException Error(string message, long offset) => new(ImageFileFormat.Png, message, offset);
}
