using DeepSeek.Sdk.Imaging;

namespace DeepSeek.Sdk.Core.Tests.Imaging;

/// <summary>Compares decoded pixels with a reference and reports where they differ.</summary>
public static class PixelComparison
{
    /// <summary>Largest absolute difference per channel between <paramref name="actual"/> and <paramref name="expected"/>
    /// (same layout), after checking the sizes agree.</summary>
    public static int[] MaxAbsDifference(ImageBuffer actual, ReadOnlySpan<byte> expected, int expectedWidth, int expectedHeight, string what)
    {
        Assert.True(actual.Width == expectedWidth && actual.Height == expectedHeight,
            $"{what}: decoded {actual.Width} x {actual.Height}, reference {expectedWidth} x {expectedHeight}");
        Assert.True(actual.Pixels.Length == expected.Length, $"{what}: {actual.Pixels.Length} bytes decoded, reference has {expected.Length}");
        int c = actual.Channels;
        var max = new int[c];
        var pixels = actual.Pixels;
        for (int i = 0; i < expected.Length; i++)
            max[i % c] = Math.Max(max[i % c], Math.Abs(pixels[i] - expected[i]));
        return max;
    }

    /// <summary>Asserts exact equality, naming the first differing pixel.</summary>
    public static void AssertEqual(ImageBuffer actual, ReadOnlySpan<byte> expected, int expectedWidth, int expectedHeight, string what)
    {
        var max = MaxAbsDifference(actual, expected, expectedWidth, expectedHeight, what);
        if (max.All(m => m == 0))
            return;
        int c = actual.Channels;
        var pixels = actual.Pixels;
        int i = 0;
        while (pixels[i] == expected[i])
            i++;
        int pixel = i / c;
        Assert.Fail($"{what}: first difference at pixel ({pixel % actual.Width}, {pixel / actual.Width}) channel {i % c}: " +
            $"decoded {pixels[i]}, reference {expected[i]}; max abs difference per channel [{string.Join(", ", max)}]");
    }
}
