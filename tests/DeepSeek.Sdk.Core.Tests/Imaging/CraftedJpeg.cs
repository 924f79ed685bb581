namespace DeepSeek.Sdk.Core.Tests.Imaging;

/// <summary>Writes JPEG files marker by marker (T.81 Annex B), for tests that need structures no encoder produces:
/// thousands of refinement scans, runs of tiny segments, odd headers. Entropy-coded data is written bit by bit with
/// 0xFF stuffing and 1-bit padding (F.1.2.3), so what the tests feed the decoder is valid unless they say otherwise.</summary>
public sealed class CraftedJpeg
{
    private readonly List<byte> _bytes = [0xFF, 0xD8];

    /// <summary>A greyscale progressive image whose every DCT coefficient is zero: one DC scan, one AC scan, then
    /// <paramref name="refinementScans"/> AC refinement scans (Ss = 1, Se = 63, Ah = 1, Al = 0) that each cover the
    /// whole image with end-of-band runs, so each costs a few bytes but makes the decoder visit every coefficient.
    /// Decodes to mid grey (128) wherever it is accepted.</summary>
    public static byte[] ProgressiveWithRefinementScans(int width, int height, int refinementScans)
    {
        var jpeg = new CraftedJpeg();
        jpeg.Dqt(0, 1);
        jpeg.Sof(0xC2, width, height, (1, 1, 1, 0));
        jpeg.Dht(0, 0, DcCategoryZeroCounts, [0]);
        jpeg.Dht(1, 0, EobRunCounts, EobRunSymbols);
        int blocks = ((width + 7) / 8) * ((height + 7) / 8);
        jpeg.Scan([(1, 0, 0)], 0, 0, 0, 0, bits =>
        {
            for (int i = 0; i < blocks; i++)
                bits.Write(0, 1); // DC difference category 0
        });
        jpeg.Scan([(1, 0, 0)], 1, 63, 0, 1, bits => WriteEobRuns(bits, blocks));
        for (int s = 0; s < refinementScans; s++)
            jpeg.Scan([(1, 0, 0)], 1, 63, 1, 0, bits => WriteEobRuns(bits, blocks));
        return jpeg.End();
    }

    /// <summary>One DC code of length 1 (symbol 0: difference category 0).</summary>
    public static byte[] DcCategoryZeroCounts => [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>Fifteen 4-bit AC codes: EOB0 .. EOB14 (run-length symbols 0x00, 0x10, .., 0xE0).</summary>
    public static byte[] EobRunCounts => [0, 0, 0, 15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    public static byte[] EobRunSymbols => [0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xA0, 0xB0, 0xC0, 0xD0, 0xE0];

    /// <summary>End-of-band runs covering <paramref name="blocks"/> blocks with the codes of <see cref="EobRunSymbols"/>
    /// (code of EOBr is r, 4 bits; then r extra bits: run = 2^r + extra, at most 32767, G.1.2.2).</summary>
    public static void WriteEobRuns(BitWriter bits, long blocks)
    {
        while (blocks > 0)
        {
            int run = (int)Math.Min(blocks, 32767);
            int r = 31 - int.LeadingZeroCount(run);
            bits.Write(r, 4);
            bits.Write(run - (1 << r), r);
            blocks -= run;
        }
    }

    public CraftedJpeg Segment(int marker, ReadOnlySpan<byte> payload)
    {
        _bytes.Add(0xFF);
        _bytes.Add((byte)marker);
        int length = payload.Length + 2;
        _bytes.Add((byte)(length >> 8));
        _bytes.Add((byte)length);
        _bytes.AddRange(payload);
        return this;
    }

    /// <summary>An 8-bit quantisation table <paramref name="id"/> with every entry <paramref name="value"/>.</summary>
    public CraftedJpeg Dqt(int id, byte value)
    {
        var payload = new byte[65];
        payload[0] = (byte)id;
        payload.AsSpan(1).Fill(value);
        return Segment(0xDB, payload);
    }

    /// <summary>A frame header; each component is (id, H, V, quantisation table).</summary>
    public CraftedJpeg Sof(int marker, int width, int height, params (int Id, int H, int V, int Tq)[] components) =>
        Sof(marker, 8, width, height, components);

    public CraftedJpeg Sof(int marker, int precision, int width, int height, params (int Id, int H, int V, int Tq)[] components)
    {
        var payload = new List<byte> { (byte)precision, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, (byte)components.Length };
        foreach (var (id, h, v, tq) in components)
            payload.AddRange([(byte)id, (byte)((h << 4) | v), (byte)tq]);
        return Segment(marker, payload.ToArray());
    }

    public CraftedJpeg Dht(int tableClass, int id, byte[] counts, byte[] symbols) =>
        Segment(0xC4, [(byte)((tableClass << 4) | id), .. counts, .. symbols]);

    public CraftedJpeg Dri(int interval) => Segment(0xDD, [(byte)(interval >> 8), (byte)interval]);

    /// <summary>A scan header for components (id, DC table, AC table) and its entropy-coded data.</summary>
    public CraftedJpeg Scan((int Id, int Dc, int Ac)[] components, int ss, int se, int ah, int al, Action<BitWriter> data)
    {
        var header = new List<byte> { (byte)components.Length };
        foreach (var (id, dc, ac) in components)
            header.AddRange([(byte)id, (byte)((dc << 4) | ac)]);
        header.AddRange([(byte)ss, (byte)se, (byte)((ah << 4) | al)]);
        Segment(0xDA, header.ToArray());
        var bits = new BitWriter(_bytes);
        data(bits);
        bits.Flush();
        return this;
    }

    public CraftedJpeg Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public byte[] End() => [.. _bytes, 0xFF, 0xD9];

    /// <summary>Entropy-coded bits, most significant first, a 0x00 stuffed after every 0xFF byte.</summary>
    public sealed class BitWriter(List<byte> output)
    {
        private int _buffer;
        private int _count;

        public void Write(int value, int length)
        {
            for (int i = length - 1; i >= 0; i--)
            {
                _buffer = (_buffer << 1) | ((value >> i) & 1);
                if (++_count == 8)
                    Emit();
            }
        }

        /// <summary>Pads the last byte with 1 bits.</summary>
        public void Flush()
        {
            while (_count != 0)
                Write(1, 1);
        }

        private void Emit()
        {
            output.Add((byte)_buffer);
            if (_buffer == 0xFF)
                output.Add(0);
            _buffer = 0;
            _count = 0;
        }
    }
}
