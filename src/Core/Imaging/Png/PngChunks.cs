using System.Buffers.Binary;

namespace DeepSeek.Sdk.Imaging.Png;

/// <summary>The chunk layer of a PNG file (PNG Specification, sections 5.3 and 5.6), checked in full before any
/// pixel is decoded: signature, every chunk's length bound and CRC, the order IHDR, PLTE, tRNS, consecutive IDAT,
/// IEND, and the presence of the chunks the colour type needs. Ancillary chunks other than tRNS and eXIf are
/// skipped; unknown critical chunks are refused.</summary>
internal sealed class PngChunks
{
    private PngChunks(PngHeader header, byte[] palette, byte[] transparency, byte[] imageData, long imageDataOffset, int orientation)
    {
        Header = header;
        Palette = palette;
        Transparency = transparency;
        ImageData = imageData;
        ImageDataOffset = imageDataOffset;
        Orientation = orientation;
    }

    public static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    public PngHeader Header { get; }

    /// <summary>PLTE entries, three bytes each (empty when absent).</summary>
    public byte[] Palette { get; }

    /// <summary>The tRNS payload (empty when absent).</summary>
    public byte[] Transparency { get; }

    /// <summary>The zlib stream: all IDAT payloads concatenated (section 10.1).</summary>
    public byte[] ImageData { get; }

    /// <summary>File offset of the first IDAT chunk (its length field), for error messages about the compressed stream.</summary>
    public long ImageDataOffset { get; }

    /// <summary>Exif orientation from an eXIf chunk, 1 when absent.</summary>
    public int Orientation { get; }

    /// <summary>Reads the header only: signature and IHDR, which the specification places first.</summary>
    public static PngHeader ReadHeader(ReadOnlySpan<byte> file)
    {
        CheckSignature(file);
        var (type, dataLength, _) = NextChunk(file, Signature.Length);
        if (type != Ihdr)
            throw Error($"first chunk is '{Name(type)}', expected IHDR", Signature.Length);
        return PngHeader.Parse(file.Slice(Signature.Length + 8, dataLength), Signature.Length + 8);
    }

    /// <summary>Walks every chunk. <paramref name="checkHeader"/> runs on IHDR before anything is accumulated, so
    /// the pixel limit stops a decompression bomb before its IDAT data is copied.</summary>
    public static PngChunks Read(ReadOnlySpan<byte> file, Action<PngHeader>? checkHeader, bool collectImageData = true)
    {
        CheckSignature(file);
        PngHeader? header = null;
        byte[]? palette = null, transparency = null;
        int orientation = 1;
        // IDAT chunks are consecutive; remembering the first and how many keeps a file of millions of empty IDAT
        // chunks from growing a list as large as itself.
        int firstIdat = -1, idatChunks = 0;
        long idatBytes = 0;
        bool idatEnded = false;
        int pos = Signature.Length;
        while (true)
        {
            var (type, dataLength, next) = NextChunk(file, pos);
            int dataOffset = pos + 8;
            var data = file.Slice(dataOffset, dataLength);
            if (header is null && type != Ihdr)
                throw Error($"first chunk is '{Name(type)}', expected IHDR", pos);
            if (idatChunks > 0 && type != Idat)
                idatEnded = true;
            switch (type)
            {
                case Ihdr:
                    if (header is not null)
                        throw Error("second IHDR chunk", pos);
                    header = PngHeader.Parse(data, dataOffset);
                    checkHeader?.Invoke(header.Value);
                    break;
                case Plte:
                    if (palette is not null)
                        throw Error("second PLTE chunk", pos);
                    if (idatChunks > 0)
                        throw Error("PLTE chunk after IDAT", pos);
                    if (transparency is not null)
                        throw Error("PLTE chunk after tRNS", pos);
                    if (header!.Value.ColorType is PngHeader.Grayscale or PngHeader.GrayscaleAlpha)
                        throw Error($"PLTE chunk in a greyscale image (colour type {header.Value.ColorType})", pos);
                    if (data.Length == 0 || data.Length % 3 != 0 || data.Length > 256 * 3)
                        throw Error($"PLTE chunk is {data.Length} bytes; expected 3 to 768 bytes, a multiple of 3", pos);
                    palette = data.ToArray();
                    break;
                case Trns:
                    if (transparency is not null)
                        throw Error("second tRNS chunk", pos);
                    if (idatChunks > 0)
                        throw Error("tRNS chunk after IDAT", pos);
                    transparency = ReadTransparency(header!.Value, palette, data, pos);
                    break;
                case Idat:
                    if (idatEnded)
                        throw Error("IDAT chunks are not consecutive", pos);
                    if (header!.Value.ColorType == PngHeader.Indexed && palette is null)
                        throw Error("IDAT chunk before the PLTE chunk that colour type 3 requires", pos);
                    if (idatChunks++ == 0)
                        firstIdat = pos;
                    idatBytes += data.Length;
                    if (idatBytes > Array.MaxLength)
                        throw Error($"IDAT data exceeds {Array.MaxLength} bytes", pos);
                    break;
                case Exif:
                    orientation = ExifOrientation.Read(data);
                    break;
                case Iend:
                    if (idatChunks == 0)
                        throw Error("IEND chunk before any IDAT chunk", pos);
                    return new PngChunks(header!.Value, palette ?? [], transparency ?? [],
                        collectImageData ? Concatenate(file, firstIdat, idatChunks, idatBytes) : [], firstIdat, orientation);
                default:
                    // Section 5.4: bit 5 of the first type byte clear (upper case) marks a chunk critical.
                    if ((type & 0x20000000) == 0)
                        throw Error($"unknown critical chunk '{Name(type)}'", pos);
                    break;
            }
            pos = next;
        }
    }

    private static byte[] ReadTransparency(PngHeader header, byte[]? palette, ReadOnlySpan<byte> data, int pos)
    {
        switch (header.ColorType)
        {
            case PngHeader.Indexed:
                if (palette is null)
                    throw Error("tRNS chunk before PLTE", pos);
                // More entries than PLTE (libpng: benign error) are kept and apply to the indices past the palette's
                // end, which show as black.
                if (data.Length > 256)
                    throw Error($"tRNS chunk has {data.Length} entries, more than 256", pos);
                return data.ToArray();
            case PngHeader.Grayscale:
                if (data.Length != 2)
                    throw Error($"tRNS chunk is {data.Length} bytes, expected 2 for greyscale", pos);
                return data.ToArray();
            case PngHeader.TrueColor:
                if (data.Length != 6)
                    throw Error($"tRNS chunk is {data.Length} bytes, expected 6 for truecolour", pos);
                return data.ToArray();
            default:
                // Section 11.3.2.1 forbids tRNS when a full alpha channel is present; libpng ignores it, as do we.
                return [];
        }
    }

    /// <summary>The data of the <paramref name="count"/> IDAT chunks from <paramref name="first"/> on, whose bounds
    /// and CRCs <see cref="Read"/> has checked.</summary>
    private static byte[] Concatenate(ReadOnlySpan<byte> file, int first, int count, long total)
    {
        var result = new byte[total];
        int at = 0, pos = first;
        for (int i = 0; i < count; i++)
        {
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(file[pos..]);
            file.Slice(pos + 8, length).CopyTo(result.AsSpan(at));
            at += length;
            pos += 12 + length;
        }
        return result;
    }

    private static void CheckSignature(ReadOnlySpan<byte> file)
    {
        if (!file.StartsWith(Signature))
            throw Error(file.Length < Signature.Length && Signature.StartsWith(file)
                ? $"file is {file.Length} bytes, shorter than the 8-byte signature"
                : "missing the 8-byte PNG signature", 0);
    }

    // Chunk types as their four ASCII bytes read big-endian, so walking chunks allocates nothing per chunk.
    private const uint Ihdr = 0x49484452;
    private const uint Plte = 0x504C5445;
    private const uint Trns = 0x74524E53;
    private const uint Idat = 0x49444154;
    private const uint Exif = 0x65584966;
    private const uint Iend = 0x49454E44;

    private static string Name(uint type) =>
        string.Create(4, type, static (chars, t) =>
        {
            for (int i = 0; i < 4; i++)
                chars[i] = (char)(byte)(t >> (24 - 8 * i));
        });

    /// <summary>The chunk at <paramref name="pos"/>: its type, its data length (data starts at pos + 8), and where
    /// the next chunk starts.</summary>
    private static (uint Type, int DataLength, int Next) NextChunk(ReadOnlySpan<byte> file, int pos)
    {
        if (file.Length - pos < 12)
            throw Error(pos == file.Length ? "file ends before the IEND chunk" : "file ends inside a chunk header", pos);
        uint length = BinaryPrimitives.ReadUInt32BigEndian(file[pos..]);
        var typeBytes = file.Slice(pos + 4, 4);
        foreach (byte b in typeBytes)
        {
            if (!((b >= (byte)'A' && b <= (byte)'Z') || (b >= (byte)'a' && b <= (byte)'z')))
                throw Error($"chunk type bytes {Convert.ToHexString(typeBytes)} are not four ASCII letters", pos + 4);
        }
        uint type = BinaryPrimitives.ReadUInt32BigEndian(typeBytes);
        // Section 5.3: the length is at most 2^31 - 1; beyond the file it means truncation or corruption.
        if (length > int.MaxValue)
            throw Error($"chunk '{Name(type)}' declares length {length}, above 2^31 - 1", pos);
        if (length > (long)file.Length - pos - 12)
            throw Error($"chunk '{Name(type)}' declares {length} data bytes but the file ends {file.Length - pos - 12} bytes later (truncated)", pos);
        uint stored = BinaryPrimitives.ReadUInt32BigEndian(file[(pos + 8 + (int)length)..]);
        uint computed = Crc32.Compute(file.Slice(pos + 4, 4 + (int)length));
        if (stored != computed)
            throw Error($"chunk '{Name(type)}' CRC mismatch (stored 0x{stored:X8}, computed 0x{computed:X8})", pos);
        return (type, (int)length, pos + 12 + (int)length);
    }

    private static ImageFormatException Error(string message, long offset) => new(ImageFileFormat.Png, message, offset);
}
