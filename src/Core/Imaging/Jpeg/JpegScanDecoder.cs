using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
    /// <remarks>Work follows the data: blocks inside an end-of-band run (G.1.2.2) are skipped a row segment at a time
    /// when nothing in them can change (AC first scans; AC refinement of blocks with no nonzero coefficient in the
    /// band), so a scan of a few bytes that covers the whole image costs a pass over one mask per block, not over
    /// every coefficient.</remarks>
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
        bool skipsRuns = single && kind is Kind.AcFirst or Kind.AcRefine;
        ulong band = Band(scan.Ss, scan.Se);
        foreach (var c in components)
            c.DcPredictor = 0;
        int eobRun = 0;
        int nextRestart = 0;
        // MCUs left before the next restart marker is due (T.81 E.1.4); never reaches 0 without restart intervals.
        long untilRestart = restartInterval > 0 ? restartInterval : long.MaxValue;
        for (int row = 0; row < mcuRows; row++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int column = 0;
            while (column < mcusPerRow)
            {
                if (untilRestart == 0)
                {
                    reader.Restart(nextRestart);
                    nextRestart = (nextRestart + 1) & 7;
                    foreach (var c in components)
                        c.DcPredictor = 0;
                    eobRun = 0;
                    untilRestart = restartInterval;
                }
                if (single)
                {
                    var c = components[0];
                    if (skipsRuns && eobRun > 0)
                    {
                        int limit = (int)Math.Min(Math.Min(eobRun, mcusPerRow - column), untilRestart);
                        int skip = kind == Kind.AcFirst ? limit : UnchangedBlocks(c.NonzeroAc.AsSpan(c.BlockIndex(row, column), limit), band);
                        if (skip > 0)
                        {
                            eobRun -= skip;
                            column += skip;
                            untilRestart -= skip;
                            continue;
                        }
                    }
                    DecodeBlock(ref reader, kind, scan, c, row, column, dcTables, acTables, ref eobRun);
                }
                else
                {
                    foreach (var c in components)
                    {
                        for (int v = 0; v < c.V; v++)
                        {
                            for (int h = 0; h < c.H; h++)
                                DecodeBlock(ref reader, kind, scan, c, row * c.V + v, column * c.H + h, dcTables, acTables, ref eobRun);
                        }
                    }
                }
                if (reader.Overrun)
                    throw new ImageFormatException(ImageFileFormat.Jpeg,
                        $"entropy-coded data ends inside MCU {(long)row * mcusPerRow + column} of {mcuCount} (truncated file, or a marker where data was due)", reader.End);
                column++;
                untilRestart--;
            }
        }
        return reader.End;
    }

    /// <summary>How many leading blocks of <paramref name="masks"/> have no nonzero coefficient in
    /// <paramref name="band"/>: inside an end-of-band run, an AC refinement leaves those untouched and reads nothing.</summary>
    private static int UnchangedBlocks(ReadOnlySpan<ulong> masks, ulong band)
    {
        int n = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var bandVector = Vector256.Create(band);
            ref ulong first = ref MemoryMarshal.GetReference(masks);
            for (; n + Vector256<ulong>.Count <= masks.Length; n += Vector256<ulong>.Count)
            {
                if ((Vector256.LoadUnsafe(ref first, (nuint)n) & bandVector) != Vector256<ulong>.Zero)
                    break;
            }
        }
        while (n < masks.Length && (masks[n] & band) == 0)
            n++;
        return n;
    }

    /// <summary>Bits <paramref name="from"/>..<paramref name="to"/> (zig-zag positions), none when from &gt; to.</summary>
    private static ulong Band(int from, int to) =>
        from > to || from > 63 ? 0 : (ulong.MaxValue >> (63 - Math.Min(to, 63))) & (ulong.MaxValue << from);

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

    private static void DecodeBlock(ref JpegBitReader reader, Kind kind, JpegScan scan, JpegComponent c, int row, int column,
        JpegHuffmanTable?[] dcTables, JpegHuffmanTable?[] acTables, ref int eobRun)
    {
        int index = c.BlockIndex(row, column);
        var block = c.Coefficients.AsSpan(index * 64, 64);
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
                DecodeAcFirst(ref reader, block, ref c.NonzeroAc[index], acTables[c.AcTable]!, scan, ref eobRun);
                break;
            default:
                DecodeAcRefine(ref reader, block, ref c.NonzeroAc[index], acTables[c.AcTable]!, scan, ref eobRun);
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
    private static void DecodeAcFirst(ref JpegBitReader reader, Span<short> block, ref ulong nonzero, JpegHuffmanTable ac, JpegScan scan, ref int eobRun)
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
                short value = unchecked((short)(reader.ReceiveExtend(s) * (1 << scan.Al)));
                block[natural[k]] = value;
                // A run past coefficient 63 lands on it (NaturalOrder's tail); a value shifted out of 16 bits is 0.
                ulong bit = 1UL << Math.Min(k, 63);
                nonzero = value != 0 ? nonzero | bit : nonzero & ~bit;
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
    private static void DecodeAcRefine(ref JpegBitReader reader, Span<short> block, ref ulong nonzero, JpegHuffmanTable ac, JpegScan scan, ref int eobRun)
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
                {
                    block[natural[k]] = (short)s;
                    nonzero |= 1UL << Math.Min(k, 63);
                }
            }
        }
        if (eobRun > 0)
        {
            // The rest of the band, in zig-zag order: a correction bit for each nonzero coefficient, which the mask
            // lists (a correction never makes a coefficient zero, see Correct).
            for (ulong pending = nonzero & Band(k, scan.Se); pending != 0; pending &= pending - 1)
                Correct(ref reader, ref block[natural[BitOperations.TrailingZeroCount(pending)]], p1, m1);
            eobRun--;
        }
    }

    /// <summary>Adds the correction bit at Al away from zero. A nonzero coefficient stays nonzero: adding p1 to a
    /// positive value or m1 to a negative one cannot reach 0, even wrapping around 16 bits.</summary>
    private static void Correct(ref JpegBitReader reader, ref short coefficient, int p1, int m1)
    {
        if (reader.Bit() != 0 && (coefficient & p1) == 0)
            coefficient = unchecked((short)(coefficient + (coefficient >= 0 ? p1 : m1)));
    }
}
