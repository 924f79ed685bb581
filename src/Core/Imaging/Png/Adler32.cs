namespace DeepSeek.Sdk.Imaging.Png;

/// <summary>The Adler-32 checksum that ends a zlib stream (RFC 1950, section 8.2). Computed over the inflated
/// scanlines and compared with the stream's last four bytes, so the check does not depend on how far
/// <see cref="System.IO.Compression.ZLibStream"/> reads past the deflate data.</summary>
internal struct Adler32
{
    private const uint Modulus = 65521;

    // The largest n for which 255 n (n + 1) / 2 + (n + 1)(Modulus - 1) fits in 32 bits (zlib's NMAX).
    private const int MaxBlock = 5552;

    private uint _a;
    private uint _b;

    public Adler32()
    {
        _a = 1;
        _b = 0;
    }

    public readonly uint Value => (_b << 16) | _a;

    public void Update(ReadOnlySpan<byte> data)
    {
        uint a = _a, b = _b;
        while (data.Length > 0)
        {
            int n = Math.Min(data.Length, MaxBlock);
            foreach (byte x in data[..n])
            {
                a += x;
                b += a;
            }
            a %= Modulus;
            b %= Modulus;
            data = data[n..];
        }
        _a = a;
        _b = b;
    }
}
