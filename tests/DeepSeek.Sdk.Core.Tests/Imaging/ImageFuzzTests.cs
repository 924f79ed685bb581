using DeepSeek.Sdk.Imaging;

namespace DeepSeek.Sdk.Core.Tests.Imaging;

/// <summary>Seeded mutation and truncation of every PNG and JPEG fixture: whatever the bytes, decoding either
/// succeeds or throws <see cref="ImageException"/> (format or size); nothing else escapes, and the run finishes
/// (the test's timeout is the hang detector: every loop in the decoders advances through the input or counts
/// down a bounded number of MCUs, scanlines or chunks).</summary>
public sealed class ImageFuzzTests
{
    // Keeps mutated headers that declare huge images from allocating hundreds of megabytes per case; the real
    // limit's behaviour is tested in CorruptImageTests.
    private static readonly ImageDecodeOptions s_fuzzOptions = ImageDecodeOptions.Default with { MaxPixelCount = 1 << 20 };

    public static TheoryData<string> Sections() => ["png", "jpeg"];

    [Theory(Timeout = 300_000)]
    [MemberData(nameof(Sections))]
    public async Task Mutated_files_fail_only_with_typed_exceptions(string section)
    {
        await Task.Yield();
        var random = new Random(section == "png" ? 20240601 : 20240602);
        int decoded = 0, refused = 0;
        foreach (var entry in ImageFixtures.Manifest.GetProperty(section).EnumerateArray())
        {
            byte[] original = ImageFixtures.Input(entry);
            string name = entry.GetProperty("name").GetString()!;
            for (int i = 0; i < 40; i++)
            {
                TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
                byte[] mutated = Mutate(original, random, out string how);
                // PNG chunk CRCs catch nearly every mutation; re-sealing them half the time lets the damage reach
                // the header, zlib, filter and pixel layers.
                if (section == "png" && random.Next(2) == 0)
                {
                    ResealPngChunks(mutated);
                    how += ", CRCs recomputed";
                }
                try
                {
                    ImageCodecs.Identify(mutated);
                    var image = ImageCodecs.Decode(mutated, s_fuzzOptions with { PixelFormat = (i & 1) == 0 ? ImagePixelFormat.Rgb24 : ImagePixelFormat.Rgba32 }, cancellationToken: TestContext.Current.CancellationToken);
                    Assert.True(image.Width > 0 && image.Height > 0);
                    decoded++;
                }
                catch (ImageException)
                {
                    refused++;
                }
                catch (Exception e)
                {
                    Assert.Fail($"{name} mutation {i} ({how}): {e.GetType().Name} escaped: {e.Message}\n{e.StackTrace}");
                }
            }
        }
        // Both outcomes must occur, or the mutations are too mild (or too wild) to test anything.
        Assert.True(decoded > 50 && refused > 50, $"decoded {decoded}, refused {refused}");
    }

    [Theory(Timeout = 300_000)]
    [MemberData(nameof(Sections))]
    public async Task Every_truncation_of_a_file_is_refused_with_a_typed_exception(string section)
    {
        await Task.Yield();
        foreach (var entry in ImageFixtures.Manifest.GetProperty(section).EnumerateArray())
        {
            string name = entry.GetProperty("name").GetString()!;
            if (name is not ("ct6_16bit_adam7" or "palette4_trns" or "progressive_420" or "restart_420_every3" or "ycck_adobe_transform2"))
                continue;
            byte[] original = ImageFixtures.Input(entry);
            for (int length = 0; length < original.Length; length++)
            {
                TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
                try
                {
                    ImageCodecs.Decode(original.AsSpan(0, length), s_fuzzOptions, cancellationToken: TestContext.Current.CancellationToken);
                    Assert.Fail($"{name} truncated to {length} of {original.Length} bytes decoded without error");
                }
                catch (ImageFormatException)
                {
                }
            }
        }
    }

    /// <summary>Recomputes the CRC of every chunk whose bounds still lie inside the file.</summary>
    private static void ResealPngChunks(byte[] data)
    {
        int pos = 8;
        while (pos + 12 <= data.Length)
        {
            long length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(pos));
            if (pos + 12 + length > data.Length)
                return;
            uint crc = DeepSeek.Sdk.Imaging.Png.Crc32.Compute(data.AsSpan(pos + 4, 4 + (int)length));
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(pos + 8 + (int)length), crc);
            pos += 12 + (int)length;
        }
    }

    private static byte[] Mutate(byte[] original, Random random, out string how)
    {
        var data = (byte[])original.Clone();
        switch (random.Next(6))
        {
            case 0:
            {
                int n = 1 + random.Next(4);
                for (int k = 0; k < n; k++)
                    data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                how = $"{n} bit flips";
                return data;
            }
            case 1:
            {
                int at = random.Next(data.Length);
                data[at] = (byte)random.Next(256);
                how = $"byte {at} replaced";
                return data;
            }
            case 2:
            {
                int length = random.Next(data.Length);
                how = $"truncated to {length}";
                return data[..length];
            }
            case 3:
            {
                // Header region: sizes, sampling factors, tables, chunk lengths.
                int at = random.Next(Math.Min(data.Length, 200));
                data[at] = (byte)random.Next(256);
                how = $"header byte {at} replaced";
                return data;
            }
            case 4:
            {
                int at = random.Next(data.Length), count = 1 + random.Next(16);
                how = $"{count} bytes removed at {at}";
                return [.. data[..at], .. data[Math.Min(data.Length, at + count)..]];
            }
            default:
            {
                int at = random.Next(data.Length);
                var junk = new byte[1 + random.Next(8)];
                random.NextBytes(junk);
                how = $"{junk.Length} bytes inserted at {at}";
                return [.. data[..at], .. junk, .. data[at..]];
            }
        }
    }
}
