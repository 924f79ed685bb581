namespace DeepSeek.Sdk.Imaging.Png;

/// <summary>The five scanline filters of filter method 0 (PNG Specification, section 9.2): None, Sub, Up,
/// Average, Paeth. Bytes are filtered, not pixels; "a" is the byte one pixel (<c>stride</c> bytes) to the left,
/// "b" the byte above, "c" the byte above-left, all zero outside the image or pass.</summary>
internal static class PngFilter
{
    public const int None = 0;
    public const int Sub = 1;
    public const int Up = 2;
    public const int Average = 3;
    public const int Paeth = 4;

    /// <summary>Reverses filter <paramref name="type"/> on <paramref name="row"/> in place, given the already
    /// reconstructed previous row (all zero for the first row of a pass).</summary>
    public static void Unfilter(int type, Span<byte> row, ReadOnlySpan<byte> previous, int stride)
    {
        switch (type)
        {
            case None:
                break;
            case Sub:
                for (int i = stride; i < row.Length; i++)
                    row[i] += row[i - stride];
                break;
            case Up:
                for (int i = 0; i < row.Length; i++)
                    row[i] += previous[i];
                break;
            case Average:
                for (int i = 0; i < stride && i < row.Length; i++)
                    row[i] += (byte)(previous[i] >> 1);
                for (int i = stride; i < row.Length; i++)
                    row[i] += (byte)((row[i - stride] + previous[i]) >> 1);
                break;
            case Paeth:
                for (int i = 0; i < stride && i < row.Length; i++)
                    row[i] += previous[i]; // Paeth(0, b, 0) = b
                for (int i = stride; i < row.Length; i++)
                    row[i] += PaethPredictor(row[i - stride], previous[i], previous[i - stride]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "filter type outside 0..4");
        }
    }

    /// <summary>Writes filter <paramref name="type"/> of <paramref name="row"/> into <paramref name="output"/>.</summary>
    public static void Apply(int type, ReadOnlySpan<byte> row, ReadOnlySpan<byte> previous, int stride, Span<byte> output)
    {
        int n = row.Length;
        if (previous.Length < n || output.Length < n)
            throw new ArgumentException("previous row and output must be as long as the row");
        int head = Math.Min(stride, n);
        switch (type)
        {
            case None:
                row.CopyTo(output);
                break;
            case Sub:
                row[..head].CopyTo(output);
                for (int i = stride; i < n; i++)
                    output[i] = (byte)(row[i] - row[i - stride]);
                break;
            case Up:
                for (int i = 0; i < n; i++)
                    output[i] = (byte)(row[i] - previous[i]);
                break;
            case Average:
                for (int i = 0; i < head; i++)
                    output[i] = (byte)(row[i] - (previous[i] >> 1));
                for (int i = stride; i < n; i++)
                    output[i] = (byte)(row[i] - ((row[i - stride] + previous[i]) >> 1));
                break;
            case Paeth:
                for (int i = 0; i < head; i++)
                    output[i] = (byte)(row[i] - previous[i]);
                for (int i = stride; i < n; i++)
                    output[i] = (byte)(row[i] - PaethPredictor(row[i - stride], previous[i], previous[i - stride]));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "filter type outside 0..4");
        }
    }

    /// <summary>Section 9.4: the neighbour closest to a + b - c, ties broken in the order a, b, c.</summary>
    private static byte PaethPredictor(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc)
            return (byte)a;
        return pb <= pc ? (byte)b : (byte)c;
    }
}
