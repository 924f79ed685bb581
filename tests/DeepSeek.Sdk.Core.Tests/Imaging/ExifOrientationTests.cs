using DeepSeek.Sdk.Imaging;

namespace DeepSeek.Sdk.Core.Tests.Imaging;

/// <summary>The Exif orientation tag: parsing that never fails decoding, and the eight transforms checked against
/// the Exif 2.32 definitions (where the stored image's first row and column end up).</summary>
public sealed class ExifOrientationTests
{
    [Theory]
    [InlineData(true, 3, 6)]
    [InlineData(false, 3, 8)]
    [InlineData(true, 4, 3)]
    public void Orientation_is_read_from_either_byte_order_and_type(bool little, int type, int value)
    {
        Assert.Equal(value, ExifOrientation.Read(Tiff(little, type, value)));
        Assert.Equal(value, ExifOrientation.Read([.. "Exif\0\0"u8.ToArray(), .. Tiff(little, type, value)]));
    }

    [Fact]
    public void Damaged_or_absent_exif_gives_orientation_1()
    {
        byte[] good = Tiff(true, 3, 6);
        Assert.Equal(1, ExifOrientation.Read([]));
        Assert.Equal(1, ExifOrientation.Read(good[..10]));                    // entry cut off
        Assert.Equal(1, ExifOrientation.Read(Tiff(true, 3, 9)));              // value out of range
        Assert.Equal(1, ExifOrientation.Read(Tiff(true, 2, 6)));              // ASCII type
        var badMagic = (byte[])good.Clone();
        badMagic[2] = 43;
        Assert.Equal(1, ExifOrientation.Read(badMagic));
        var badOffset = (byte[])good.Clone();
        badOffset[4] = 0xFF;
        Assert.Equal(1, ExifOrientation.Read(badOffset));
    }

    [Theory]
    // Stored 3 x 2 image, pixel value = 10 y + x:  [0 1 2 / 10 11 12]. Expected rows of the upright image.
    [InlineData(1, 3, "0 1 2|10 11 12")]
    [InlineData(2, 3, "2 1 0|12 11 10")]
    [InlineData(3, 3, "12 11 10|2 1 0")]
    [InlineData(4, 3, "10 11 12|0 1 2")]
    [InlineData(5, 2, "0 10|1 11|2 12")]
    [InlineData(6, 2, "10 0|11 1|12 2")]
    [InlineData(7, 2, "12 2|11 1|10 0")]
    [InlineData(8, 2, "2 12|1 11|0 10")]
    public void Each_orientation_maps_pixels_as_Pillow_exif_transpose(int orientation, int width, string rows)
    {
        var stored = new ImageBuffer(3, 2, ImagePixelFormat.Rgb24);
        for (int y = 0; y < 2; y++)
        {
            for (int x = 0; x < 3; x++)
                stored.GetRow(y)[3 * x] = (byte)(10 * y + x);
        }
        var upright = ExifOrientation.Apply(stored, orientation, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(width, upright.Width);
        string actual = string.Join("|", Enumerable.Range(0, upright.Height).Select(y =>
            string.Join(" ", Enumerable.Range(0, upright.Width).Select(x => upright.GetRow(y)[3 * x]))));
        Assert.Equal(rows, actual);
    }

    private static byte[] Tiff(bool little, int type, int value)
    {
        var t = new byte[8 + 2 + 12 + 4];
        void U16(int at, int v) { if (little) { t[at] = (byte)v; t[at + 1] = (byte)(v >> 8); } else { t[at] = (byte)(v >> 8); t[at + 1] = (byte)v; } }
        void U32(int at, int v) { if (little) { U16(at, v & 0xFFFF); U16(at + 2, v >> 16); } else { U16(at, v >> 16); U16(at + 2, v & 0xFFFF); } }
        t[0] = t[1] = (byte)(little ? 'I' : 'M');
        U16(2, 42);
        U32(4, 8);
        U16(8, 1);
        U16(10, 0x0112);
        U16(12, type);
        U32(14, 1);
        if (type == 4)
            U32(18, value);
        else
            U16(18, value);
        return t;
    }
}
