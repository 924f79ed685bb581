using System.Buffers.Binary;

namespace DeepSeek.Sdk.Imaging.Jpeg;

/// <summary>The marker layer of a JPEG file (T.81 Annex B): SOI, tables (DQT, DHT, DRI), the frame header, scans and
/// EOI, with APP0 (JFIF), APP1 (Exif) and APP14 (Adobe) noted and other application segments skipped. Every segment
/// length is checked against the data before it is read.</summary>
internal static class JpegMarkerReader
{
    /// <summary>Reads markers from SOI to EOI, decoding each scan as it comes (or only up to the first SOS when
    /// <paramref name="stopAtFirstScan"/>). With <paramref name="options"/> the frame's pixel count is checked against
    /// the limit and its coefficient buffers are allocated; without, nothing large is allocated. The scan count is held
    /// to <see cref="ImageDecodeOptions.MaxScans"/>, and <paramref name="cancellationToken"/> is checked before each
    /// scan (and by the scan decoder once per MCU row).</summary>
    public static void Read(ReadOnlySpan<byte> data, JpegHeaders state, ImageDecodeOptions? options, bool stopAtFirstScan,
        CancellationToken cancellationToken = default)
    {
        if (data.Length < 2 || data[0] != 0xFF || data[1] != JpegMarkers.Soi)
            throw Error("missing the SOI marker (FFD8) at the start", 0);
        int pos = 2;
        bool afterScan = false;
        while (true)
        {
            int markerAt = NextMarker(data, pos, lenient: afterScan);
            int marker = data[markerAt + 1];
            pos = markerAt + 2;
            afterScan = false;
            if (marker == JpegMarkers.Eoi)
            {
                if (state.Scans == 0)
                    throw Error(state.Frame is null ? "EOI before any frame header (SOF)" : "EOI before any scan (SOS)", markerAt);
                return;
            }
            if (marker is >= JpegMarkers.Rst0 and <= JpegMarkers.Rst7 || marker == JpegMarkers.Tem)
                continue; // parameterless; libjpeg skips stray restart markers between segments too
            if (marker == JpegMarkers.Soi)
                throw Error("second SOI marker", markerAt);
            if (data.Length - pos < 2)
                throw Error($"file ends inside the length of marker FF{marker:X2} (truncated)", markerAt);
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
            if (length < 2)
                throw Error($"marker FF{marker:X2} declares segment length {length}, below 2", markerAt);
            if (length > data.Length - pos)
                throw Error($"marker FF{marker:X2} declares {length} bytes but the file ends {data.Length - pos} bytes later (truncated)", markerAt);
            var segment = data.Slice(pos + 2, length - 2);
            int next = pos + length;
            switch (marker)
            {
                case JpegMarkers.Sof0 or JpegMarkers.Sof1 or JpegMarkers.Sof2:
                    ReadFrame(segment, marker, markerAt, state, options);
                    break;
                case JpegMarkers.Dqt:
                    ReadQuantTables(segment, markerAt, state);
                    break;
                case JpegMarkers.Dht:
                    ReadHuffmanTables(segment, markerAt, state);
                    break;
                case JpegMarkers.Dri:
                    if (segment.Length != 2)
                        throw Error($"DRI segment is {segment.Length} bytes, expected 2", markerAt);
                    state.RestartInterval = BinaryPrimitives.ReadUInt16BigEndian(segment);
                    break;
                case JpegMarkers.Sos:
                    if (state.Frame is null)
                        throw Error("SOS before the frame header (no SOF)", markerAt);
                    if (stopAtFirstScan || options is null)
                        return;
                    // Each scan may sweep the whole image for a few bytes, so their number bounds the work no data pays for.
                    if (state.Scans >= options.MaxScans)
                        throw new ImageTooLargeException(ImageFileFormat.Jpeg,
                            $"scan {state.Scans + 1} (SOS at byte offset {markerAt}) is past the limit of {options.MaxScans} scans",
                            options.MaxScans, nameof(ImageDecodeOptions.MaxScans));
                    cancellationToken.ThrowIfCancellationRequested();
                    var scan = ReadScanHeader(segment, markerAt, state);
                    next = JpegScanDecoder.Decode(data, next, state.Frame, scan, state.DcTables, state.AcTables, state.RestartInterval, cancellationToken);
                    state.Scans++;
                    afterScan = true;
                    break;
                case JpegMarkers.App0:
                    state.SawJfif |= segment.Length >= 5 && segment.StartsWith("JFIF\0"u8);
                    break;
                case JpegMarkers.App1:
                    // Pillow keeps the first Exif APP1 (JpegImagePlugin APP handler).
                    if (!state.SawExif && segment.StartsWith("Exif\0\0"u8))
                    {
                        state.SawExif = true;
                        state.Orientation = ExifOrientation.Read(segment);
                    }
                    break;
                case JpegMarkers.App14:
                    // libjpeg jdmarker.c get_app14: "Adobe", version, flags0, flags1, transform (12 bytes at least).
                    if (segment.Length >= 12 && segment.StartsWith("Adobe"u8))
                        state.AdobeTransform = segment[11];
                    break;
                case JpegMarkers.Dnl:
                    break; // only meaningful with a zero height in SOF, which is refused there
                default:
                    if (JpegMarkers.Unsupported(marker) is { } kind)
                        throw Error($"{kind} JPEG is not supported (Huffman-coded baseline, extended and progressive are)", markerAt);
                    if (marker is (>= JpegMarkers.App0 and <= JpegMarkers.App15) or JpegMarkers.Com or (>= 0xF0 and <= 0xFD))
                        break; // application data, comments and JPEG extensions are skipped
                    throw Error($"unknown marker FF{marker:X2}", markerAt);
            }
            pos = next;
        }
    }

    /// <summary>Offset of the next marker's 0xFF at or after <paramref name="pos"/>, skipping 0xFF fill bytes
    /// (T.81 B.1.1.2). Right after a scan, other bytes are skipped too, as libjpeg does with a warning; elsewhere
    /// they mean a segment length is wrong.</summary>
    private static int NextMarker(ReadOnlySpan<byte> data, int pos, bool lenient)
    {
        while (true)
        {
            if (pos >= data.Length)
                throw Error("file ends before the EOI marker (truncated)", pos);
            if (data[pos] != 0xFF)
            {
                if (!lenient)
                    throw Error($"expected a marker, found byte 0x{data[pos]:X2}", pos);
                pos++;
                continue;
            }
            int at = pos;
            while (pos < data.Length && data[pos] == 0xFF)
                pos++;
            if (pos >= data.Length)
                throw Error("file ends before the EOI marker (truncated)", at);
            if (data[pos] == 0x00)
            {
                if (!lenient)
                    throw Error("expected a marker, found a stuffed 0xFF00", at);
                pos++;
                continue;
            }
            return pos - 1;
        }
    }

    private static void ReadFrame(ReadOnlySpan<byte> s, int marker, int at, JpegHeaders state, ImageDecodeOptions? options)
    {
        if (state.Frame is not null)
            throw Error("second frame header (SOF); only single-frame JPEG is supported", at);
        if (s.Length < 6)
            throw Error($"SOF segment is {s.Length} bytes, too short", at);
        int precision = s[0];
        int height = BinaryPrimitives.ReadUInt16BigEndian(s[1..]);
        int width = BinaryPrimitives.ReadUInt16BigEndian(s[3..]);
        int count = s[5];
        if (precision != 8)
            throw Error($"{precision}-bit samples are not supported (8-bit only, as Pillow)", at);
        if (height == 0)
            throw Error("SOF height 0 (height given later by a DNL marker) is not supported", at);
        if (width == 0)
            throw Error("SOF width is 0", at);
        if (count is not (1 or 3 or 4))
            throw Error($"{count} components are not supported (1, 3 or 4, as Pillow)", at);
        if (s.Length != 6 + 3 * count)
            throw Error($"SOF segment is {s.Length} bytes, expected {6 + 3 * count} for {count} components", at);
        var components = new JpegComponent[count];
        for (int i = 0; i < count; i++)
        {
            int id = s[6 + 3 * i], h = s[7 + 3 * i] >> 4, v = s[7 + 3 * i] & 15, tq = s[8 + 3 * i];
            if (h is < 1 or > 4 || v is < 1 or > 4)
                throw Error($"component {id} has sampling factors {h}x{v}, outside 1..4", at);
            if (tq > 3)
                throw Error($"component {id} selects quantisation table {tq}, outside 0..3", at);
            for (int j = 0; j < i; j++)
            {
                if (components[j].Id == id)
                    throw Error($"component id {id} appears twice in SOF", at);
            }
            components[i] = new JpegComponent(i, id, h, v, tq);
        }
        var frame = new JpegFrame(marker, width, height, components);
        foreach (var c in components)
        {
            // libjpeg-turbo jdsample.c: ratios must be whole numbers (JERR_FRACT_SAMPLE_NOTIMPL).
            if (frame.HMax % c.H != 0 || frame.VMax % c.V != 0)
                throw Error($"component {c.Id} sampling {c.H}x{c.V} is not an integral fraction of {frame.HMax}x{frame.VMax} (fractional sampling is not supported)", at);
        }
        if (options is not null)
        {
            ImageCodecs.CheckPixelCount(ImageFileFormat.Jpeg, width, height, options);
            frame.Allocate();
        }
        state.Frame = frame;
    }

    private static void ReadQuantTables(ReadOnlySpan<byte> s, int at, JpegHeaders state)
    {
        var natural = JpegScanDecoder.ZigZagToNatural;
        while (s.Length > 0)
        {
            int precision = s[0] >> 4, id = s[0] & 15;
            if (precision > 1)
                throw Error($"DQT table {id} has precision {precision}, not 0 (8-bit) or 1 (16-bit)", at);
            if (id > 3)
                throw Error($"DQT table id {id} is outside 0..3", at);
            int size = precision == 0 ? 64 : 128;
            if (s.Length < 1 + size)
                throw Error($"DQT segment ends inside table {id}", at);
            var table = new ushort[64];
            for (int k = 0; k < 64; k++)
                table[natural[k]] = precision == 0 ? s[1 + k] : BinaryPrimitives.ReadUInt16BigEndian(s[(1 + 2 * k)..]);
            state.QuantTables[id] = table;
            s = s[(1 + size)..];
        }
    }

    private static void ReadHuffmanTables(ReadOnlySpan<byte> s, int at, JpegHeaders state)
    {
        while (s.Length > 0)
        {
            int tableClass = s[0] >> 4, id = s[0] & 15;
            if (tableClass > 1 || id > 3)
                throw Error($"DHT class {tableClass} id {id}: class must be 0 (DC) or 1 (AC), id 0..3", at);
            if (s.Length < 17)
                throw Error("DHT segment ends inside the code-length counts", at);
            var counts = s.Slice(1, 16);
            int total = 0;
            foreach (byte n in counts)
                total += n;
            if (total > 256)
                throw Error($"DHT table {id} declares {total} codes, more than 256", at);
            if (s.Length < 17 + total)
                throw Error($"DHT table {id} declares {total} symbols but the segment holds {s.Length - 17}", at);
            var table = JpegHuffmanTable.Build(counts, s.Slice(17, total), tableClass == 0, at);
            (tableClass == 0 ? state.DcTables : state.AcTables)[id] = table;
            s = s[(17 + total)..];
        }
    }

    private static JpegScan ReadScanHeader(ReadOnlySpan<byte> s, int at, JpegHeaders state)
    {
        var frame = state.Frame!;
        if (s.Length < 1)
            throw Error("SOS segment is empty", at);
        int count = s[0];
        if (count is < 1 or > 4 || s.Length != 4 + 2 * count)
            throw Error($"SOS segment is {s.Length} bytes for {count} components", at);
        var components = new JpegComponent[count];
        int blocks = 0;
        for (int i = 0; i < count; i++)
        {
            int id = s[1 + 2 * i], tables = s[2 + 2 * i];
            var c = Array.Find(frame.Components, x => x.Id == id)
                ?? throw Error($"SOS names component {id}, which the frame does not have", at);
            if (Array.IndexOf(components, c) >= 0)
                throw Error($"SOS names component {id} twice", at);
            c.DcTable = tables >> 4;
            c.AcTable = tables & 15;
            components[i] = c;
            blocks += c.H * c.V;
        }
        int ss = s[1 + 2 * count], se = s[2 + 2 * count], ah = s[3 + 2 * count] >> 4, al = s[3 + 2 * count] & 15;
        // T.81 B.2.3: at most 10 blocks in an interleaved MCU (libjpeg JERR_BAD_MCU_SIZE).
        if (count > 1 && blocks > 10)
            throw Error($"interleaved scan has {blocks} blocks per MCU, more than 10", at);
        // Sequential scans ignore Ss, Se, Ah and Al (libjpeg only warns) and need both tables; progressive scans need
        // the DC table for a first DC scan, none for DC refinement, the AC table for AC scans.
        bool needsDc = !frame.Progressive || (ss == 0 && ah == 0);
        bool needsAc = !frame.Progressive || ss > 0;
        if (frame.Progressive)
        {
            // libjpeg jdphuff.c start_pass_phuff_decoder's JERR_BAD_PROGRESSION checks.
            bool bad = ss == 0 ? se != 0 : ss > se || se > 63 || count != 1;
            bad |= ah != 0 && al != ah - 1;
            bad |= al > 13;
            if (bad)
                throw Error($"invalid progressive scan parameters Ss={ss} Se={se} Ah={ah} Al={al} for {count} component(s)", at);
        }
        foreach (var c in components)
        {
            if (c.DcTable > 3 || c.AcTable > 3)
                throw Error($"component {c.Id} selects Huffman tables DC {c.DcTable} / AC {c.AcTable}, outside 0..3", at);
            if (needsDc && state.DcTables[c.DcTable] is null)
                throw Error($"component {c.Id} uses DC Huffman table {c.DcTable}, which no DHT defined", at);
            if (needsAc && state.AcTables[c.AcTable] is null)
                throw Error($"component {c.Id} uses AC Huffman table {c.AcTable}, which no DHT defined", at);
            if (c.Quantization is null)
            {
                var q = state.QuantTables[c.QuantTable]
                    ?? throw Error($"component {c.Id} uses quantisation table {c.QuantTable}, which no DQT defined", at);
                c.Quantization = (ushort[])q.Clone();
            }
        }
        return new JpegScan(components, ss, se, ah, al);
    }

    private static ImageFormatException Error(string message, long offset) => new(ImageFileFormat.Jpeg, message, offset);
}
