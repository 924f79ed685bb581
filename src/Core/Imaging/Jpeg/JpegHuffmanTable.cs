namespace DeepSeek.Sdk.Imaging.Jpeg;

/// <summary>A Huffman table from a DHT segment (ITU-T T.81, Annex C and F.2.2.3), with a 9-bit lookup for the short
/// codes that make up nearly all of the data and the canonical MAXCODE/VALPTR decode for the rest.</summary>
internal sealed class JpegHuffmanTable
{
    private const int LookupBits = 9;

    // (length << 8) | symbol for every 9-bit prefix that starts with a code of at most 9 bits; 0 otherwise.
    private readonly ushort[] _lookup = new ushort[1 << LookupBits];
    private readonly int[] _maxCode = new int[18];
    private readonly int[] _valueOffset = new int[18];
    private readonly byte[] _values;

    private JpegHuffmanTable(byte[] values)
    {
        _values = values;
    }

    /// <summary>Builds a table from the 16 code-length counts and the symbols, refusing what libjpeg refuses
    /// (jdhuff.c jpeg_make_d_derived_tbl): a code set that overflows its lengths (which would also make some code
    /// all ones, T.81 C.2) and DC symbols above 15.</summary>
    public static JpegHuffmanTable Build(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> values, bool isDc, long offset)
    {
        var table = new JpegHuffmanTable(values.ToArray());
        if (isDc)
        {
            foreach (byte v in values)
            {
                if (v > 15)
                    throw new ImageFormatException(ImageFileFormat.Jpeg, $"DHT: DC table holds symbol {v}, above 15", offset);
            }
        }
        int code = 0, k = 0;
        for (int length = 1; length <= 16; length++)
        {
            int n = counts[length - 1];
            // Codes of this length must fit in it, leaving the all-ones pattern unused.
            if (code + n >= 1 << length)
                throw new ImageFormatException(ImageFileFormat.Jpeg, $"DHT: code lengths overflow at length {length} (bad Huffman table)", offset);
            table._valueOffset[length] = k - code;
            for (int i = 0; i < n; i++, k++, code++)
            {
                if (length <= LookupBits)
                {
                    int shift = LookupBits - length;
                    ushort entry = (ushort)((length << 8) | values[k]);
                    for (int fill = 0; fill < 1 << shift; fill++)
                        table._lookup[(code << shift) | fill] = entry;
                }
            }
            table._maxCode[length] = n > 0 ? code - 1 : -1;
            code <<= 1;
        }
        table._maxCode[17] = int.MaxValue; // sentinel: ends the slow search
        return table;
    }

    /// <summary>Decodes one symbol from <paramref name="reader"/>.</summary>
    public int Decode(ref JpegBitReader reader)
    {
        int peek = reader.Peek16();
        int entry = _lookup[peek >> (16 - LookupBits)];
        if (entry != 0)
        {
            reader.Skip(entry >> 8);
            return entry & 0xFF;
        }
        for (int length = LookupBits + 1; length <= 16; length++)
        {
            int code = peek >> (16 - length);
            if (code <= _maxCode[length])
            {
                reader.Skip(length);
                return _values[code + _valueOffset[length]];
            }
        }
        throw new ImageFormatException(ImageFileFormat.Jpeg, "entropy-coded data holds a code that is not in the Huffman table (corrupt data)", reader.Position);
    }
}
