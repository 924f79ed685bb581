namespace DeepSeek.Cli.Commands;

/// <summary>Human-readable counts and sizes.</summary>
internal static class Format
{
    public static string Count(long n) => n switch
    {
        >= 1_000_000_000 => $"{n / 1e9:F2}B",
        >= 1_000_000 => $"{n / 1e6:F2}M",
        >= 10_000 => $"{n / 1e3:F1}K",
        _ => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public static string Bytes(long n) => n switch
    {
        >= 1L << 30 => $"{n / (double)(1L << 30):F2} GiB",
        >= 1L << 20 => $"{n / (double)(1L << 20):F2} MiB",
        >= 1L << 10 => $"{n / 1024.0:F1} KiB",
        _ => $"{n} B",
    };
}
