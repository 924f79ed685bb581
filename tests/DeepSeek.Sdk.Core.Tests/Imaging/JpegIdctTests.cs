using System.Runtime.Intrinsics;
using DeepSeek.Sdk.Imaging.Jpeg;

namespace DeepSeek.Sdk.Core.Tests.Imaging;

/// <summary>The vector IDCT must give the scalar (jidctint.c) samples exactly, for ordinary blocks and for
/// coefficients far outside what a valid file holds (where both wrap the same 32-bit way and go through the same
/// range-limit rule).</summary>
public sealed class JpegIdctTests
{
    [Fact]
    public void Vector_and_scalar_transforms_agree_on_every_sample()
    {
        Assert.SkipUnless(Vector256.IsHardwareAccelerated, "no 256-bit vectors on this machine: only the scalar path runs");
        var random = new Random(11);
        var coefficients = new short[64];
        var quant = new ushort[64];
        var scalar = new byte[8 * 11];
        var vector = new byte[8 * 11];
        var workspace = new int[64];
        for (int trial = 0; trial < 20_000; trial++)
        {
            int magnitude = trial % 4 switch { 0 => 64, 1 => 1024, 2 => 4096, _ => 32767 };
            int nonzero = random.Next(65);
            Array.Clear(coefficients);
            for (int i = 0; i < nonzero; i++)
                coefficients[random.Next(64)] = (short)random.Next(-magnitude, magnitude + 1);
            for (int i = 0; i < 64; i++)
                quant[i] = (ushort)(trial % 3 == 0 ? random.Next(1, 256) : random.Next(1, 8));
            JpegIdct.TransformScalar(coefficients, quant, scalar, 11, workspace);
            JpegIdct.TransformVector(coefficients, quant, vector, 11, workspace);
            for (int r = 0; r < 8; r++)
            {
                for (int c = 0; c < 8; c++)
                    Assert.True(scalar[r * 11 + c] == vector[r * 11 + c], $"trial {trial}: sample ({r}, {c}) scalar {scalar[r * 11 + c]}, vector {vector[r * 11 + c]}");
            }
        }
    }

    [Fact]
    public void A_dc_only_block_is_flat_at_dc_over_8_plus_128()
    {
        var coefficients = new short[64];
        var quant = Enumerable.Repeat((ushort)1, 64).ToArray();
        var output = new byte[64];
        coefficients[0] = 80; // 80 / 8 = 10 above mid-grey
        JpegIdct.Transform(coefficients, quant, output, 8, new int[64]);
        Assert.All(output, v => Assert.Equal(138, v));
    }
}
