namespace DeepSeek.Cli.Benchmarking;

/// <summary>The folder <c>deepseek bench --device cuda</c> writes its random checkpoints in (<c>--work</c>), and each
/// model folder under it. The bench writes only in folders it made: a folder that is missing or empty is claimed (a
/// <see cref="MarkerName"/> file records that the bench made it, so a later run may write there again); one that holds
/// anything else is refused. Pointed at a real model folder by mistake, the bench would otherwise replace its weights
/// with random ones. It never deletes anything.</summary>
public static class BenchWorkFolder
{
    /// <summary>The file that marks a folder as the bench's own.</summary>
    public const string MarkerName = ".deepseek-bench";

    /// <summary>Why the bench may not write in <paramref name="directory"/>, or null when it may (missing, empty, or
    /// marked as the bench's). Changes nothing.</summary>
    public static string? Refusal(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (File.Exists(directory)) return $"'{directory}' is a file, not a folder.";
        if (!Directory.Exists(directory)) return null;
        if (File.Exists(Path.Combine(directory, MarkerName))) return null;
        if (!Directory.EnumerateFileSystemEntries(directory).Any()) return null;
        return $"'{directory}' holds files that deepseek bench did not write (it has no {MarkerName} file); the bench would replace them with random weights.";
    }

    /// <summary>Creates <paramref name="directory"/> if needed and marks it as the bench's.</summary>
    /// <exception cref="IOException">The folder holds files the bench did not write (<see cref="Refusal"/>).</exception>
    public static string Claim(string directory)
    {
        if (Refusal(directory) is { } refusal) throw new IOException(refusal);
        Directory.CreateDirectory(directory);
        string marker = Path.Combine(directory, MarkerName);
        if (!File.Exists(marker)) File.WriteAllText(marker, "Written by deepseek bench: its random checkpoints, which a later bench run may replace.\n");
        return directory;
    }
}
