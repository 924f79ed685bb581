using DeepSeek.Sdk.Imaging;

namespace DeepSeek.Sdk.Core.Tests.Imaging;

/// <summary>The committed corrupt files (tests/Fixtures/images/corrupt): each must fail with a typed exception whose
/// message names the format and the broken structure. The manifest records how Pillow fared on the same bytes;
/// where Pillow decodes something anyway (a missing IEND or EOI, a stray marker inside a scan) we refuse, because
/// those pixels are partly invented.</summary>
public sealed class CorruptImageTests
{
    [Theory]
    [InlineData("png_bad_signature", "not a PNG or JPEG file", false)]
    [InlineData("png_empty", "input is empty", false)]
    [InlineData("png_truncated_in_idat", "chunk 'IDAT' declares 1081 data bytes but the file ends", false)]
    [InlineData("png_truncated_before_iend", "file ends before the IEND chunk", true)]
    [InlineData("png_ihdr_crc", "chunk 'IHDR' CRC mismatch", false)]
    [InlineData("png_idat_crc", "chunk 'IDAT' CRC mismatch", false)]
    [InlineData("png_bad_filter_type", "scanline 4 has filter type 7", false)]
    [InlineData("png_corrupt_deflate", "zlib stream in IDAT is corrupt at scanline 0", false)]
    [InlineData("png_adler_mismatch", "Adler-32", false)]
    [InlineData("png_too_little_data", "image data ends inside scanline 9", false)]
    [InlineData("png_too_much_data", "more data than the image's scanlines", true)]
    [InlineData("png_chunk_length_huge", "declares 2147483632 data bytes", true)]
    [InlineData("png_missing_plte", "IDAT chunk before the PLTE chunk that colour type 3 requires", true)]
    [InlineData("png_bit_depth_4_truecolour", "IHDR bit depth 4 is not allowed for colour type 2", false)]
    [InlineData("png_unknown_critical_chunk", "unknown critical chunk 'ZZZZ'", true)]
    [InlineData("jpeg_truncated_in_scan", "entropy-coded data ends inside MCU 2 of 6", false)]
    [InlineData("jpeg_truncated_after_sos_header", "entropy-coded data ends inside MCU 0 of 6", false)]
    [InlineData("jpeg_truncated_progressive", "entropy-coded data ends inside MCU", false)]
    [InlineData("jpeg_missing_eoi", "file ends before the EOI marker", false)]
    [InlineData("jpeg_no_sof", "SOS before the frame header", false)]
    [InlineData("jpeg_huffman_counts_overflow", "DHT table 0 declares 15 symbols but the segment holds 12", false)]
    [InlineData("jpeg_premature_eoi_in_scan", "entropy-coded data ends inside MCU 0 of 6", true)]
    [InlineData("jpeg_zero_width", "SOF width is 0", false)]
    [InlineData("jpeg_lossless_sof3", "lossless (SOF3) JPEG is not supported", false)]
    [InlineData("jpeg_arithmetic_sof9", "arithmetic-coded sequential (SOF9) JPEG is not supported", true)]
    [InlineData("jpeg_precision_12", "12-bit samples are not supported", false)]
    [InlineData("jpeg_undefined_quant_table", "quantisation table 3, which no DQT defined", false)]
    [InlineData("jpeg_sampling_factor_zero", "sampling factors 0x0, outside 1..4", false)]
    [InlineData("jpeg_segment_length_past_end", "marker FFDB declares 65520 bytes", false)]
    [InlineData("jpeg_soi_only", "file ends before the EOI marker", false)]
    [InlineData("jpeg_wrong_restart_marker", "expected restart marker RST0 (FFD0), found marker FFD5", true)]
    public void Corrupt_file_fails_with_a_message_naming_what_is_wrong(string name, string expected, bool pillowDecodesIt)
    {
        var entry = ImageFixtures.Entry("corrupt", name);
        byte[] data = ImageFixtures.Input(entry);
        var e = Assert.Throws<ImageFormatException>(() => ImageCodecs.Decode(data, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains(expected, e.Message);
        var format = name.StartsWith("png_", StringComparison.Ordinal) ? ImageFileFormat.Png : ImageFileFormat.Jpeg;
        if (e.Format != ImageFileFormat.Unknown)
        {
            Assert.Equal(format, e.Format);
            Assert.StartsWith(format == ImageFileFormat.Png ? "PNG: " : "JPEG: ", e.Message);
            Assert.NotNull(e.Offset);
        }
        string? pillow = ImageFixtures.OptionalString(entry, "pillow");
        Assert.True(pillowDecodesIt == (pillow is null), $"{name}: manifest says Pillow gave '{pillow ?? "an image"}'");
    }

    [Theory]
    [InlineData("png_bomb_20000x20000", 20000, 20000)]
    [InlineData("jpeg_bomb_60000x60000", 60000, 60000)]
    public void Decompression_bomb_stops_at_the_header(string name, int width, int height)
    {
        byte[] data = ImageFixtures.Input(ImageFixtures.Entry("corrupt", name));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ImageTooLargeException>(() => ImageCodecs.Decode(data, cancellationToken: TestContext.Current.CancellationToken));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal((width, height, ImageDecodeOptions.DefaultMaxPixelCount), (e.Width, e.Height, e.Limit));
        Assert.Contains("MaxPixelCount", e.Message);
        // Refused before any pixel or coefficient buffer: far less than one row of the declared image.
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes before refusing");
        // Identify reads the header without judging the size.
        Assert.Equal((width, height), (ImageCodecs.Identify(data).Width, ImageCodecs.Identify(data).Height));
    }

    [Fact]
    public void Pixel_limit_is_configurable()
    {
        byte[] png = ImageFixtures.Input(ImageFixtures.Entry("png", "ct2_8bit"));          // 37 x 23 = 851 pixels
        byte[] jpeg = ImageFixtures.Input(ImageFixtures.Entry("jpeg", "baseline_420"));    // 61 x 45 = 2745 pixels
        var tight = ImageDecodeOptions.Default with { MaxPixelCount = 850 };
        Assert.Equal(850, Assert.Throws<ImageTooLargeException>(() => ImageCodecs.Decode(png, tight, cancellationToken: TestContext.Current.CancellationToken)).Limit);
        Assert.Throws<ImageTooLargeException>(() => ImageCodecs.Decode(jpeg, tight with { MaxPixelCount = 2744 }, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(37, ImageCodecs.Decode(png, tight with { MaxPixelCount = 851 }, cancellationToken: TestContext.Current.CancellationToken).Width);
        Assert.Equal(61, ImageCodecs.Decode(jpeg, tight with { MaxPixelCount = 2745 }, cancellationToken: TestContext.Current.CancellationToken).Width);
    }

    [Fact]
    public void Stream_input_is_bounded_by_MaxEncodedBytes()
    {
        byte[] png = ImageFixtures.Input(ImageFixtures.Entry("png", "ct2_8bit"));
        var options = ImageDecodeOptions.Default with { MaxEncodedBytes = png.Length - 1 };
        var e = Assert.Throws<ImageTooLargeException>(() => ImageCodecs.Decode(new MemoryStream(png), options, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(png.Length - 1, e.Limit);
        Assert.Equal(37, ImageCodecs.Decode(new MemoryStream(png), options with { MaxEncodedBytes = png.Length }, cancellationToken: TestContext.Current.CancellationToken).Width);
    }

    [Fact]
    public void Huffman_table_whose_codes_overflow_their_lengths_is_refused()
    {
        // Three 1-bit codes cannot exist; the symbol count matches, so only the code construction can catch it.
        byte[] jpeg = ImageFixtures.Input(ImageFixtures.Entry("jpeg", "baseline_420"));
        int dht = IndexOfMarker(jpeg, 0xC4);
        int length = (jpeg[dht + 2] << 8) | jpeg[dht + 3];
        var table = new byte[1 + 16 + 3];
        table[0] = 0x00;      // DC table 0
        table[1] = 3;         // three codes of length 1
        table[17] = 0; table[18] = 1; table[19] = 2;
        byte[] patched = [.. jpeg[..(dht + 2)], (byte)((table.Length + 2) >> 8), (byte)(table.Length + 2), .. table, .. jpeg[(dht + 2 + length)..]];
        var e = Assert.Throws<ImageFormatException>(() => ImageCodecs.Decode(patched, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("code lengths overflow at length 1", e.Message);
    }

    [Fact]
    public void Sequential_scan_with_nonzero_spectral_start_still_needs_its_DC_table()
    {
        // Found by fuzzing: a sequential scan ignores Ss (libjpeg warns), so Ss = 1 must not excuse a DC table
        // selector that no DHT defined.
        byte[] jpeg = ImageFixtures.Input(ImageFixtures.Entry("jpeg", "baseline_gray"));
        int sos = IndexOfMarker(jpeg, 0xDA);
        var patched = (byte[])jpeg.Clone();
        patched[sos + 6] = 0x30;   // component 1: DC table 3, AC table 0
        patched[sos + 7] = 1;      // Ss = 1
        var e = Assert.Throws<ImageFormatException>(() => ImageCodecs.Decode(patched, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("DC Huffman table 3, which no DHT defined", e.Message);
    }

    private static int IndexOfMarker(byte[] data, byte marker)
    {
        for (int i = 0; i + 1 < data.Length; i++)
        {
            if (data[i] == 0xFF && data[i + 1] == marker)
                return i;
        }
        throw new InvalidOperationException($"no marker FF{marker:X2}");
    }
}
