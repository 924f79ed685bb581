namespace DeepSeek.Sdk.Imaging.Jpeg;

/// <summary>Huffman decoding of one scan into the components' coefficient arrays: sequential (T.81 F.2.2) and the
/// four progressive procedures (G.1.2: DC first, DC refinement, AC first, AC refinement), with restart intervals.
/// The arithmetic follows libjpeg-turbo's jdhuff.c and jdphuff.c, including how it stores coefficients as 16-bit
/// values and clamps run-lengths that step past coefficient 63, so corrupt-but-decodable data gives libjpeg's
/// coefficients.</summary>
internal static class JpegScanDecoder
{
    /// <summary>Zig-zag position to natural index, with 16 extra entries pointing at 63 so that a run stepping past
    /// the end of the block lands on the last coefficient instead of outside it (libjpeg jpeg_natural_order).</summary>
    private static ReadOnlySpan<byte> NaturalOrder =>
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
        12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
        58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
        63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
    ];

    public static ReadOnlySpan<byte> ZigZagToNatural => NaturalOrder[..64];

    /// <summary>Decodes the entropy-coded segment that starts at <paramref name="start"/>; returns where the data
    /// after it begins (the next marker, or the end of input). <paramref name="cancellationToken"/> is checked once
    /// per MCU row.</summary>
    public static int Decode(ReadOnlySpan<byte> data, int start, JpegFrame frame, JpegScan scan,
        JpegHuffmanTable?[] dcTables, JpegHuffmanTable?[] acTables, int restartInterval, CancellationToken cancellationToken)
    {
        var reader = new JpegBitReader(data, start);
        var components = scan.Components;
        bool single = components.Length == 1;
        int mcusPerRow = single ? components[0].WidthInBlocks : frame.McusPerRow;
        int mcuRows = single ? components[0].HeightInBlocks : frame.McuRows;
        long mcuCount = (long)mcusPerRow * mcuRows;
        var kind = ScanKind(frame, scan);
        foreach (var c in components)
            c.DcPredictor = 0;
        int eobRun = 0;
        int nextRestart = 0;
        for (long m = 0; m < mcuCount; m++)
        {
            if (restartInterval > 0 && m > 0 && m % restartInterval == 0)
            {
                reader.Restart(nextRestart);
                nextRestart = (nextRestart + 1) & 7;
                foreach (var c in components)
                    c.DcPredictor = 0;
                eobRun = 0;
            }
            int row = (int)(m / mcusPerRow), column = (int)(m % mcusPerRow);
            if (column == 0)
                cancellationToken.ThrowIfCancellationRequested();
            if (single)
            {
                var c = components[0];
                DecodeBlock(ref reader, kind, scan, c, c.BlockOffset(row, column), dcTables, acTables, ref eobRun);
            }
            else
            {
                foreach (var c in components)
                {
                    for (int v = 0; v < c.V; v++)
                    {
                        for (int h = 0; h < c.H; h++)
                            DecodeBlock(ref reader, kind, scan, c, c.BlockOffset(row * c.V + v, column * c.H + h), dcTables, acTables, ref eobRun);
                    }
                }
            }
            if (reader.Overrun)
                throw new ImageFormatException(ImageFileFormat.Jpeg,
                    $"entropy-coded data ends inside MCU {m} of {mcuCount} (truncated file, or a marker where data was due)", reader.End);
        }
        return reader.End;
    }

    private enum Kind
    {
        Sequential,
        DcFirst,
        DcRefine,
        AcFirst,
        AcRefine,
    }

    private static Kind ScanKind(JpegFrame frame, JpegScan scan)
    {
        if (!frame.Progressive)
            return Kind.Sequential;
        if (scan.Ss == 0)
            return scan.Ah == 0 ? Kind.DcFirst : Kind.DcRefine;
        return scan.Ah == 0 ? Kind.AcFirst : Kind.AcRefine;
    }

    private static void DecodeBlock(ref JpegBitReader reader, Kind kind, JpegScan scan, JpegComponent c, int offset,
        JpegHuffmanTable?[] dcTables, JpegHuffmanTable?[] acTables, ref int eobRun)
    {
        var block = c.Coefficients.AsSpan(offset, 64);
        switch (kind)
        {
            case Kind.Sequential:
                DecodeSequential(ref reader, block, c, dcTables[c.DcTable]!, acTables[c.AcTable]!);
                break;
            case Kind.DcFirst:
            {
                int diff = reader.ReceiveExtend(dcTables[c.DcTable]!.Decode(ref reader));
                c.DcPredictor = unchecked(c.DcPredictor + diff);
                block[0] = unchecked((short)(c.DcPredictor << scan.Al));
                break;
            }
            case Kind.DcRefine:
                if (reader.Bit() != 0)
                    block[0] = unchecked((short)((ushort)block[0] | (1 << scan.Al)));
                break;
            case Kind.AcFirst:
                DecodeAcFirst(ref reader, block, acTables[c.AcTable]!, scan, ref eobRun);
                break;
            default:
                DecodeAcRefine(ref reader, block, acTables[c.AcTable]!, scan, ref eobRun);
                break;
        }
    }

    /// <summary>T.81 F.2.2.1-2 (libjpeg-turbo jdhuff.c decode_mcu_slow).</summary>
    private static void DecodeSequential(ref JpegBitReader reader, Span<short> block, JpegComponent c, JpegHuffmanTable dc, JpegHuffmanTable ac)
    {
        int diff = reader.ReceiveExtend(dc.Decode(ref reader));
        c.DcPredictor = unchecked(c.DcPredictor + diff);
        block[0] = unchecked((short)c.DcPredictor);
        var natural = NaturalOrder;
        for (int k = 1; k < 64; k++)
        {
            int rs = ac.Decode(ref reader);
            int r = rs >> 4, s = rs & 15;
            if (s != 0)
            {
                k += r;
                block[natural[k]] = unchecked((short)reader.ReceiveExtend(s));
            }
            else
            {
                if (r != 15)
                    break;
                k += 15;
            }
        }
    }

    /// <summary>T.81 G.1.2.2 (libjpeg-turbo jdphuff.c decode_mcu_AC_first).</summary>
    private static void DecodeAcFirst(ref JpegBitReader reader, Span<short> block, JpegHuffmanTable ac, JpegScan scan, ref int eobRun)
    {
        if (eobRun > 0)
        {
            eobRun--;
            return;
        }
        var natural = NaturalOrder;
        for (int k = scan.Ss; k <= scan.Se; k++)
        {
            int rs = ac.Decode(ref reader);
            int r = rs >> 4, s = rs & 15;
            if (s != 0)
            {
                k += r;
                block[natural[k]] = unchecked((short)(reader.ReceiveExtend(s) * (1 << scan.Al)));
            }
            else if (r == 15)
            {
                k += 15;
            }
            else
            {
                eobRun = (1 << r) + reader.Bits(r) - 1;
                break;
            }
        }
    }

    /// <summary>T.81 G.1.2.3 (libjpeg-turbo jdphuff.c decode_mcu_AC_refine): each newly nonzero coefficient is +-1 at
    /// bit Al, and every coefficient already nonzero that the run passes gets a correction bit.</summary>
    private static void DecodeAcRefine(ref JpegBitReader reader, Span<short> block, JpegHuffmanTable ac, JpegScan scan, ref int eobRun)
    {
        int p1 = 1 << scan.Al;
        int m1 = -1 << scan.Al;
        var natural = NaturalOrder;
        int k = scan.Ss;
        if (eobRun == 0)
        {
            for (; k <= scan.Se; k++)
            {
                int rs = ac.Decode(ref reader);
                int r = rs >> 4, s = rs & 15;
                if (s != 0)
                {
                    if (s != 1)
                        throw new ImageFormatException(ImageFileFormat.Jpeg,
                            $"AC refinement scan holds a coefficient of size {s}; only size 1 is possible (corrupt data)", reader.Position);
                    s = reader.Bit() != 0 ? p1 : m1;
                }
                else if (r != 15)
                {
                    eobRun = (1 << r) + reader.Bits(r);
                    break;
                }
                do
                {
                    int at = natural[k];
                    if (block[at] != 0)
                        Correct(ref reader, ref block[at], p1, m1);
                    else if (--r < 0)
                        break;
                    k++;
                }
                while (k <= scan.Se);
                if (s != 0)
                    block[natural[k]] = (short)s;
            }
        }
        if (eobRun > 0)
        {
            for (; k <= scan.Se; k++)
            {
                int at = natural[k];
                if (block[at] != 0)
                    Correct(ref reader, ref block[at], p1, m1);
            }
            eobRun--;
        }
    }

    private static void Correct(ref JpegBitReader reader, ref short coefficient, int p1, int m1)
    {
        if (reader.Bit() != 0 && (coefficient & p1) == 0)
            coefficient = unchecked((short)(coefficient + (coefficient >= 0 ? p1 : m1)));
    }
}
