using System.Diagnostics;
using DeepSeek.Sdk.Imaging;

namespace DeepSeek.Sdk.Core.Tests.Imaging;

/// <summary>JPEG files built to cost the decoder time or memory out of proportion to their size (issue 15: a 345 KB
/// progressive file of 2000 refinement scans decoded for 122 s and could not be cancelled). Each is crafted here by
/// <see cref="CraftedJpeg"/>; each must end in a typed one-line error, or decode, within seconds.</summary>
[Collection(TimedDecodingCollection.Name)]
public sealed class HostileJpegTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void Progressive_file_of_2000_refinement_scans_is_refused_at_the_scan_limit_within_two_seconds()
    {
        byte[] jpeg = CraftedJpeg.ProgressiveWithRefinementScans(2048, 2048, 2000);
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<ImageTooLargeException>(() => ImageCodecs.Decode(jpeg, cancellationToken: Token));
        clock.Stop();
        Assert.Equal((ImageDecodeOptions.DefaultMaxScans, "MaxScans", ImageFileFormat.Jpeg), (e.Limit, e.Option, e.Format));
        Assert.StartsWith("JPEG: scan 501 (SOS at byte offset ", e.Message);
        Assert.EndsWith("is past the limit of 500 scans (ImageDecodeOptions.MaxScans = 500)", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.IsAssignableFrom<DeepSeekException>(e);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"refused after {clock.Elapsed}");
    }

    [Fact]
    public void Scan_limit_counts_every_scan_and_a_caller_who_trusts_the_file_can_raise_it()
    {
        byte[] jpeg = CraftedJpeg.ProgressiveWithRefinementScans(64, 48, 10); // DC, AC, then 10 refinements: 12 scans
        var e = Assert.Throws<ImageTooLargeException>(() => ImageCodecs.Decode(jpeg, ImageDecodeOptions.Default with { MaxScans = 11 }, Token));
        Assert.Contains("scan 12 ", e.Message);
        var image = ImageCodecs.Decode(jpeg, ImageDecodeOptions.Default with { MaxScans = 12 }, Token);
        Assert.Equal((64, 48), (image.Width, image.Height));
        Assert.True(image.Pixels.IndexOfAnyExcept((byte)128) < 0, "all coefficients are zero: mid grey");
    }

    /// <summary>Scans whose end-of-band runs cover the whole image for a few bytes: before, each visited every
    /// coefficient of every block (1.4 ns each), so 497 of them on 8 megapixels took about 15 s. Now blocks a run
    /// leaves unchanged are skipped by a mask per block, and the work follows the data.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Refinement_scans_that_carry_no_data_cost_little_next_to_decoding_the_image(bool everyBlockHasACoefficient)
    {
        const int width = 4096, height = 2048;
        byte[] plain = Crafted(width, height, 0, everyBlockHasACoefficient);
        byte[] hostile = Crafted(width, height, 497, everyBlockHasACoefficient); // 500 scans at most, the default limit
        ImageCodecs.Decode(plain, cancellationToken: Token); // warm-up
        var clock = Stopwatch.StartNew();
        var reference = ImageCodecs.Decode(plain, cancellationToken: Token);
        var baseline = clock.Elapsed;
        clock.Restart();
        var image = ImageCodecs.Decode(hostile, cancellationToken: Token);
        var elapsed = clock.Elapsed;
        // Zero refinement bits leave every coefficient as it was.
        Assert.True(image.Pixels.SequenceEqual(reference.Pixels));
        Assert.True(elapsed < 3 * baseline + TimeSpan.FromSeconds(0.5),
            $"{hostile.Length} bytes with 497 refinement scans took {elapsed}; the same image without them took {baseline}");
    }

    [Fact]
    public void Decoding_a_file_that_would_run_for_minutes_stops_soon_after_cancellation()
    {
        // 20,000 refinement scans, each visiting all 65,536 blocks (every one holds a coefficient, outside the band).
        byte[] jpeg = Crafted(2048, 2048, 20_000, everyBlockHasACoefficient: true);
        var unlimited = ImageDecodeOptions.Default with { MaxScans = int.MaxValue };
        using var source = CancellationTokenSource.CreateLinkedTokenSource(Token);
        source.CancelAfter(TimeSpan.FromMilliseconds(100));
        var clock = Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => ImageCodecs.Decode(jpeg, unlimited, source.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"stopped after {clock.Elapsed}");
    }

    [Fact]
    public void Thousands_of_tiny_table_segments_and_stray_markers_are_read_in_linear_time()
    {
        var jpeg = new CraftedJpeg();
        for (int i = 0; i < 50_000; i++)
        {
            jpeg.Dht(1, i & 3, CraftedJpeg.DcCategoryZeroCounts, [0]);
            jpeg.Dqt(i & 3, 1);
            jpeg.Raw(0xFF, (byte)(0xD0 + (i & 7))); // restart markers outside a scan are skipped, as libjpeg does
            jpeg.Segment(0xFE, []);
        }
        byte[] tail = CraftedJpeg.ProgressiveWithRefinementScans(16, 16, 1)[2..];
        byte[] file = [.. jpeg.End()[..^2], .. tail];
        var clock = Stopwatch.StartNew();
        var image = ImageCodecs.Decode(file, cancellationToken: Token);
        Assert.Equal((16, 16), (image.Width, image.Height));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"{file.Length} bytes of segments took {clock.Elapsed}");
    }

    [Theory]
    [InlineData(0xC9, "arithmetic-coded sequential (SOF9) JPEG is not supported")]
    [InlineData(0xCA, "arithmetic-coded progressive (SOF10) JPEG is not supported")]
    [InlineData(0xCC, "arithmetic-coded (DAC conditioning table) JPEG is not supported")]
    [InlineData(0xC3, "lossless (SOF3) JPEG is not supported")]
    [InlineData(0xDE, "hierarchical (DHP) JPEG is not supported")]
    public void Unsupported_coding_processes_are_named(int marker, string expected)
    {
        byte[] file = new CraftedJpeg().Dqt(0, 1).Segment(marker, [8, 0, 16, 0, 16, 1, 1, 0x11, 0]).End();
        var e = Assert.Throws<ImageFormatException>(() => ImageCodecs.Decode(file, cancellationToken: Token));
        Assert.Contains(expected, e.Message);
        Assert.Equal(71L, e.Offset);
    }

    [Theory]
    [InlineData(12, 16, "12-bit samples are not supported")]
    [InlineData(8, 0, "SOF height 0 (height given later by a DNL marker) is not supported")]
    public void Frame_headers_the_decoder_cannot_follow_are_refused_with_the_field(int precision, int height, string expected)
    {
        byte[] file = new CraftedJpeg().Dqt(0, 1).Sof(0xC0, precision, 16, height, (1, 1, 1, 0)).End();
        Assert.Contains(expected, Assert.Throws<ImageFormatException>(() => ImageCodecs.Decode(file, cancellationToken: Token)).Message);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(255)]
    public void Frame_with_a_component_count_other_than_1_3_or_4_is_refused(int count)
    {
        var components = Enumerable.Range(1, count).Select(id => (id, 1, 1, 0)).ToArray();
        byte[] file = new CraftedJpeg().Dqt(0, 1).Sof(0xC0, 16, 16, components).End();
        var e = Assert.Throws<ImageFormatException>(() => ImageCodecs.Decode(file, cancellationToken: Token));
        Assert.Contains($"{count} components are not supported (1, 3 or 4, as Pillow)", e.Message);
    }

    /// <summary>Integral sampling ratios other than the usual 2 (libjpeg's int_upsample) decode; each component gets
    /// its own scan, since T.81 B.2.3 caps an interleaved MCU at 10 blocks. All coefficients are zero, so every pixel
    /// is YCbCr (128, 128, 128), RGB grey 128.</summary>
    [Theory]
    [InlineData(3, 1)]
    [InlineData(1, 3)]
    [InlineData(3, 3)]
    [InlineData(4, 2)]
    [InlineData(4, 4)]
    public void Odd_integral_sampling_factors_decode(int h, int v)
    {
        const int width = 37, height = 29;
        var jpeg = new CraftedJpeg().Dqt(0, 1).Sof(0xC0, width, height, (1, h, v, 0), (2, 1, 1, 0), (3, 1, 1, 0));
        jpeg.Dht(0, 0, CraftedJpeg.DcCategoryZeroCounts, [0]).Dht(1, 0, CraftedJpeg.EobRunCounts, CraftedJpeg.EobRunSymbols);
        // A component's own scan covers ceil(its samples / 8) blocks per line and column (A.2.2); chroma has
        // ceil(37 / h) x ceil(29 / v) samples.
        int lumaBlocks = (width + 7) / 8 * ((height + 7) / 8);
        int chromaBlocks = ((width + h - 1) / h + 7) / 8 * (((height + v - 1) / v + 7) / 8);
        foreach (var (id, blocks) in new[] { (1, lumaBlocks), (2, chromaBlocks), (3, chromaBlocks) })
        {
            jpeg.Scan([(id, 0, 0)], 0, 63, 0, 0, bits =>
            {
                for (int i = 0; i < blocks; i++)
                    bits.Write(0, 5); // DC category 0, then EOB (code 0000)
            });
        }
        var image = ImageCodecs.Decode(jpeg.End(), cancellationToken: Token);
        Assert.Equal((width, height), (image.Width, image.Height));
        Assert.True(image.Pixels.IndexOfAnyExcept((byte)128) < 0);
    }

    [Fact]
    public void Fractional_sampling_ratio_is_refused()
    {
        byte[] file = new CraftedJpeg().Dqt(0, 1).Sof(0xC0, 16, 16, (1, 3, 1, 0), (2, 2, 1, 0), (3, 1, 1, 0)).End();
        var e = Assert.Throws<ImageFormatException>(() => ImageCodecs.Decode(file, cancellationToken: Token));
        Assert.Contains("component 2 sampling 2x1 is not an integral fraction of 3x1", e.Message);
    }

    [Fact]
    public void Decoding_a_file_names_the_file()
    {
        string path = Path.Combine(Path.GetTempPath(), $"deepseek-sdk-{Guid.NewGuid():N}.jpg");
        File.WriteAllBytes(path, CraftedJpeg.ProgressiveWithRefinementScans(64, 64, 600));
        try
        {
            var e = Assert.Throws<ImageTooLargeException>(() => ImageCodecs.DecodeFile(path, cancellationToken: Token));
            Assert.Equal(path, e.Path);
            Assert.StartsWith($"{path}: JPEG: scan 501 ", e.Message);
            Assert.Equal("MaxScans", e.Option);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A greyscale progressive file: DC scan, AC first scans, then <paramref name="refinements"/> refinement
    /// scans of end-of-band runs. With <paramref name="everyBlockHasACoefficient"/>, every block first gets a nonzero
    /// coefficient at zig-zag position 1 and the refinements cover 2..63, so no block can be skipped as all-zero.</summary>
    private static byte[] Crafted(int width, int height, int refinements, bool everyBlockHasACoefficient)
    {
        if (!everyBlockHasACoefficient)
            return CraftedJpeg.ProgressiveWithRefinementScans(width, height, refinements);
        var jpeg = new CraftedJpeg().Dqt(0, 1).Sof(0xC2, width, height, (1, 1, 1, 0));
        jpeg.Dht(0, 0, CraftedJpeg.DcCategoryZeroCounts, [0]);
        // EOB0..EOB14 as 4-bit codes 0000..1110, then (run 0, size 1) as the 5-bit code 11110.
        jpeg.Dht(1, 0, [0, 0, 0, 15, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [.. CraftedJpeg.EobRunSymbols, 0x01]);
        int blocks = ((width + 7) / 8) * ((height + 7) / 8);
        jpeg.Scan([(1, 0, 0)], 0, 0, 0, 0, bits =>
        {
            for (int i = 0; i < blocks; i++)
                bits.Write(0, 1);
        });
        jpeg.Scan([(1, 0, 0)], 1, 1, 0, 1, bits =>
        {
            for (int i = 0; i < blocks; i++)
            {
                bits.Write(0b11110, 5);
                bits.Write(1, 1); // +1, at bit Al = 1
            }
        });
        jpeg.Scan([(1, 0, 0)], 2, 63, 0, 1, bits => CraftedJpeg.WriteEobRuns(bits, blocks));
        for (int s = 0; s < refinements; s++)
            jpeg.Scan([(1, 0, 0)], 2, 63, 1, 0, bits => CraftedJpeg.WriteEobRuns(bits, blocks));
        return jpeg.End();
    }
}
