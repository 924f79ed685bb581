using System.Buffers.Binary;
using DeepSeek.Sdk.Imaging;

namespace DeepSeek.Sdk.Core.Tests.Imaging;

/// <summary>Every PNG fixture decodes to exactly what Pillow decodes (tools/images/make_image_fixtures.py), except
/// the documented places where Pillow departs from the PNG specification and we follow the specification.</summary>
public sealed class PngDecoderTests
{
    [Theory]
    [MemberData(nameof(ImageFixtures.PngNames), MemberType = typeof(ImageFixtures))]
    public void Rgb_decoding_equals_Pillow_exactly(string name)
    {
        var entry = ImageFixtures.Entry("png", name);
        int w = ImageFixtures.Int(entry, "width"), h = ImageFixtures.Int(entry, "height");
        var image = ImageCodecs.Decode(ImageFixtures.Input(entry), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(ImagePixelFormat.Rgb24, image.PixelFormat);
        byte[] expected;
        if (ImageFixtures.OptionalString(entry, "expected_gray16") is not null)
        {
            // Pillow opens 16-bit grey as mode I / I;16 and its convert("RGB") clips at 255; we keep the high byte of
            // Pillow's own 16-bit samples, as Pillow does for 16-bit RGB, RGBA and LA.
            byte[] gray16 = ImageFixtures.Array(entry, "expected_gray16", h, 2);
            expected = new byte[w * h * 3];
            for (int i = 0; i < w * h; i++)
                expected[3 * i] = expected[3 * i + 1] = expected[3 * i + 2] = (byte)(BinaryPrimitives.ReadUInt16LittleEndian(gray16.AsSpan(2 * i)) >> 8);
        }
        else
        {
            expected = ImageFixtures.Array(entry, "expected_rgb", h, 3);
        }
        PixelComparison.AssertEqual(image, expected, w, h, $"{name} RGB vs Pillow {ImageFixtures.Environment}");
    }

    [Theory]
    [MemberData(nameof(ImageFixtures.PngNames), MemberType = typeof(ImageFixtures))]
    public void Rgba_decoding_equals_Pillow_or_the_specification_where_the_manifest_says_Pillow_departs(string name)
    {
        var entry = ImageFixtures.Entry("png", name);
        int w = ImageFixtures.Int(entry, "width"), h = ImageFixtures.Int(entry, "height");
        var image = ImageCodecs.Decode(ImageFixtures.Input(entry), ImageDecodeOptions.Default with { PixelFormat = ImagePixelFormat.Rgba32 }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(ImagePixelFormat.Rgba32, image.PixelFormat);
        string property = ImageFixtures.OptionalString(entry, "expected_rgba_spec") is null ? "expected_rgba" : "expected_rgba_spec";
        PixelComparison.AssertEqual(image, ImageFixtures.Array(entry, property, h, 4), w, h, $"{name} RGBA vs {property}");
    }

    [Theory]
    [InlineData("gray2_trns_adam7")]
    [InlineData("gray4_trns")]
    [InlineData("gray16_trns")]
    [InlineData("rgb16_trns")]
    public void Transparent_colour_is_matched_at_full_bit_depth_where_Pillow_makes_nothing_transparent(string name)
    {
        var entry = ImageFixtures.Entry("png", name);
        int w = ImageFixtures.Int(entry, "width"), h = ImageFixtures.Int(entry, "height");
        Assert.NotNull(ImageFixtures.OptionalString(entry, "pillow_rgba_deviates"));
        byte[] pillow = ImageFixtures.Array(entry, "expected_rgba", h, 4);
        var ours = ImageCodecs.Decode(ImageFixtures.Input(entry), ImageDecodeOptions.Default with { PixelFormat = ImagePixelFormat.Rgba32 }, cancellationToken: TestContext.Current.CancellationToken);
        int transparent = 0, pillowTransparent = 0;
        for (int i = 3; i < w * h * 4; i += 4)
        {
            transparent += ours.Pixels[i] == 0 ? 1 : 0;
            pillowTransparent += pillow[i] == 0 ? 1 : 0;
        }
        // The generator puts the tRNS colour on every 7th diagonal, so a good share of pixels must be transparent.
        Assert.True(transparent >= w * h / 7, $"{name}: only {transparent} transparent pixels");
        Assert.Equal(0, pillowTransparent);
    }

    [Fact]
    public void Fixtures_cover_every_colour_type_and_bit_depth_with_and_without_interlacing()
    {
        var seen = new HashSet<(int ColorType, int Depth, bool Interlaced)>();
        foreach (var entry in ImageFixtures.Manifest.GetProperty("png").EnumerateArray())
        {
            byte[] file = ImageFixtures.Input(entry);
            // IHDR data starts at byte 16: width, height, bit depth, colour type, compression, filter, interlace.
            seen.Add((file[25], file[24], file[28] == 1));
            var info = ImageCodecs.Identify(file);
            Assert.Equal(ImageFileFormat.Png, info.Format);
            Assert.Equal(BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(16)), info.Width);
            Assert.Equal(file[24], info.BitsPerSample);
        }
        int[][] depths = [[1, 2, 4, 8, 16], [], [8, 16], [1, 2, 4, 8], [8, 16], [], [8, 16]];
        foreach (bool interlaced in new[] { false, true })
        {
            for (int ct = 0; ct < depths.Length; ct++)
            {
                foreach (int d in depths[ct])
                    Assert.Contains((ct, d, interlaced), seen);
            }
        }
    }

    [Fact]
    public void Exif_orientation_in_an_eXIf_chunk_is_applied_unless_disabled()
    {
        var entry = ImageFixtures.Entry("png", "pillow_rgb_exif6");
        byte[] file = ImageFixtures.Input(entry);
        var info = ImageCodecs.Identify(file);
        Assert.Equal(6, info.Orientation);
        var upright = ImageCodecs.Decode(file, cancellationToken: TestContext.Current.CancellationToken);
        var stored = ImageCodecs.Decode(file, ImageDecodeOptions.Default with { ApplyExifOrientation = false }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal((info.Height, info.Width), (upright.Width, upright.Height));
        Assert.Equal((info.Width, info.Height), (stored.Width, stored.Height));
        // Orientation 6 is a clockwise quarter turn: the upright top-left pixel is the stored bottom-left one.
        Assert.True(upright.GetRow(0)[..3].SequenceEqual(stored.GetRow(stored.Height - 1)[..3]));
    }

    [Fact]
    public void Identify_reports_alpha_from_tRNS_and_the_stored_size()
    {
        var info = ImageCodecs.Identify(ImageFixtures.Input(ImageFixtures.Entry("png", "palette4_trns")));
        Assert.True(info.HasAlpha);
        Assert.Equal(4, info.Channels);
        Assert.Equal(4, info.BitsPerSample);
        Assert.Contains("Adam7", info.Detail);
        var plain = ImageCodecs.Identify(ImageFixtures.Input(ImageFixtures.Entry("png", "ct2_16bit")));
        Assert.False(plain.HasAlpha);
        Assert.Equal((37, 23, 3, 16), (plain.Width, plain.Height, plain.Channels, plain.BitsPerSample));
    }
}
