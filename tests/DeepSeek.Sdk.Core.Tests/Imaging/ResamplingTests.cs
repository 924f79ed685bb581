using DeepSeek.Sdk.Imaging;
using DeepSeek.Sdk.Imaging.Resampling;

namespace DeepSeek.Sdk.Core.Tests.Imaging;

/// <summary>Resize and Janus-Pro's resize-then-pad against Pillow, which they reproduce exactly (no tolerance: the
/// port follows Resample.c's fixed-point arithmetic step by step).</summary>
public sealed class ResamplingTests
{
    [Theory]
    [MemberData(nameof(ImageFixtures.ResizeNames), MemberType = typeof(ImageFixtures))]
    public void Resize_equals_Pillow_exactly(string name)
    {
        var entry = ImageFixtures.Entry("resize", name);
        var source = Source(entry);
        int w = ImageFixtures.Int(entry, "width"), h = ImageFixtures.Int(entry, "height");
        var filter = entry.GetProperty("filter").GetString() switch
        {
            "bicubic" => ResamplingFilter.Bicubic,
            "bilinear" => ResamplingFilter.Bilinear,
            "lanczos" => ResamplingFilter.Lanczos,
            "box" => ResamplingFilter.Box,
            "hamming" => ResamplingFilter.Hamming,
            var other => throw new InvalidOperationException($"unknown filter {other}"),
        };
        var resized = ImageResampler.Resize(source, w, h, filter);
        PixelComparison.AssertEqual(resized, ImageFixtures.Array(entry, "expected_rgb", h, 3), w, h, $"{name} vs Pillow");
    }

    [Theory]
    [MemberData(nameof(ImageFixtures.JanusNames), MemberType = typeof(ImageFixtures))]
    public void Janus_resize_and_pad_equals_the_reference_preprocessing_exactly(string name)
    {
        var entry = ImageFixtures.Entry("janus", name);
        var source = Source(entry);
        var rounding = entry.GetProperty("rounding").GetString() == "truncate" ? LongSideRounding.Truncate : LongSideRounding.RoundHalfToEven;
        int longSide = ImageFixtures.Int(entry, "long_side"), minSide = ImageFixtures.Int(entry, "min_side");
        var size = ImagePadding.LongSideSize(source.Width, source.Height, longSide, minSide, rounding);
        Assert.Equal((ImageFixtures.Int(entry, "resized_width"), ImageFixtures.Int(entry, "resized_height")), size);
        var bg = entry.GetProperty("background").EnumerateArray().Select(e => (byte)e.GetInt32()).ToArray();
        var result = ImagePadding.ResizeAndPadToSquare(source, longSide, minSide, rounding, bg[0], bg[1], bg[2]);
        PixelComparison.AssertEqual(result, ImageFixtures.Array(entry, "expected_rgb", longSide, 3), longSide, longSide, $"{name} vs Janus preprocessing");
    }

    [Fact]
    public void The_two_Janus_roundings_differ_only_where_the_fraction_rounds_up()
    {
        // 141 / 250 * 384 = 216.576: the original Janus truncates to 216, transformers rounds to 217.
        Assert.Equal((384, 216), ImagePadding.LongSideSize(250, 141, 384, 14, LongSideRounding.Truncate));
        Assert.Equal((384, 217), ImagePadding.LongSideSize(250, 141, 384, 14, LongSideRounding.RoundHalfToEven));
        // Python's round is half to even: 2.5 -> 2 (below the minimum here, so the minimum side wins).
        Assert.Equal((2, 384), ImagePadding.LongSideSize(5, 768, 384, 1, LongSideRounding.RoundHalfToEven));
        Assert.Equal((14, 384), ImagePadding.LongSideSize(9, 400, 384, 14, LongSideRounding.Truncate));
    }

    [Fact]
    public void Resize_to_the_same_size_is_an_exact_copy()
    {
        var source = Source(ImageFixtures.Entry("resize", "resize_bicubic_30x20"));
        var copy = ImageResampler.Resize(source, source.Width, source.Height);
        Assert.NotSame(source, copy);
        Assert.True(copy.Pixels.SequenceEqual(source.Pixels));
    }

    [Fact]
    public void Square_padding_centres_along_the_short_side_and_keeps_square_images()
    {
        var wide = new ImageBuffer(5, 2, ImagePixelFormat.Rgb24);
        wide.Pixels.Fill(9);
        var padded = ImagePadding.ExpandToSquare(wide, 1, 2, 3);
        Assert.Equal((5, 5), (padded.Width, padded.Height));
        // (5 - 2) / 2 = 1 row of background above, 2 below.
        Assert.True(padded.GetRow(0).SequenceEqual(new byte[] { 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3 }));
        Assert.True(padded.GetRow(1).ToArray().All(b => b == 9) && padded.GetRow(2).ToArray().All(b => b == 9));
        Assert.Equal(1, padded.GetRow(3)[0]);
        var square = new ImageBuffer(3, 3, ImagePixelFormat.Rgb24);
        Assert.Same(square, ImagePadding.ExpandToSquare(square, 0, 0, 0));
    }

    [Fact]
    public void Rgba_resize_is_refused_because_Pillow_premultiplies()
    {
        var rgba = new ImageBuffer(4, 4, ImagePixelFormat.Rgba32);
        var e = Assert.Throws<ArgumentException>(() => ImageResampler.Resize(rgba, 2, 2));
        Assert.Contains("premultiplied", e.Message);
    }

    private static ImageBuffer Source(System.Text.Json.JsonElement entry)
    {
        int w = ImageFixtures.Int(entry, "source_width"), h = ImageFixtures.Int(entry, "source_height");
        return ImageCodecs.FromRgb24(ImageFixtures.Array(entry, "source", h, 3), w, h);
    }
}
