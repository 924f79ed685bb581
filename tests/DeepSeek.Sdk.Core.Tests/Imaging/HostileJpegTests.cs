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
